import { describe, expect, it } from '@jest/globals';
import { InputError } from './errors.js';
import { parseRoutingTable } from './routing-table.js';

const op = { id: 'op-a', apiRoot: 'https://api.a.example', issuerUrl: 'https://auth.a.example' };
const target = {
  operatorId: 'op-a',
  apiRoot: 'https://api.a.example',
  authProviderConfiguration: 'https://auth.a.example/.well-known/openid-configuration',
};

const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof InputError ? e.message : `other: ${String(e)}`;
  }
  return 'no error';
};

describe('GSMA OPG.10 routing table', () => {
  it('collects every rule of the operator into one set of routes', () => {
    const parsed = parseRoutingTable(
      [
        { ipv4: ['88.0.0.0/11'], ipv6: ['2a02:9000::/23'], static: target },
        { msisdnPrefix: ['+34600'], network: ['21407'], static: target },
      ],
      op,
    );
    expect(parsed).toEqual({
      routes: {
        ranges: ['88.0.0.0/11', '2a02:9000::/23'],
        prefixes: ['+34600'],
        networks: ['21407'],
      },
      dynamic: [],
      rules: 2,
      warnings: [],
    });
  });

  it('accepts an empty table (the operator withdraws every route)', () => {
    expect(parseRoutingTable([], op).routes).toEqual({ ranges: [], prefixes: [], networks: [] });
  });

  it('refuses rules for another operator (ownership)', () => {
    expect(
      message(() =>
        parseRoutingTable([{ ipv4: ['88.0.0.0/11'], static: { operatorId: 'op-b' } }], op),
      ),
    ).toBe("rule 1 routes to operator 'op-b', not 'op-a'");
  });

  it.each([
    ['an object instead of a list', { rules: [] }, /not a GSMA routing table/],
    ['a rule without static', [{ ipv4: ['88.0.0.0/11'] }], /at \[0\]: .*static or dynamic/],
    ['a number as a range', [{ ipv4: [88], static: target }], /at \[0\]\.ipv4\[0\]/],
    ['IPv6 under ipv4', [{ ipv4: ['2a02::/16'], static: target }], /not an IPv4 range/],
    ['a malformed CIDR', [{ ipv6: ['2a02::/200'], static: target }], /invalid CIDR/],
    ['plain text', 'hello', /not a GSMA routing table/],
  ])('refuses %s', (_name, body, expected) => {
    expect(message(() => parseRoutingTable(body, op))).toMatch(expected);
  });

  it('warns, without acting, when the static endpoints differ from the registered ones', () => {
    const parsed = parseRoutingTable(
      [{ ipv4: ['88.0.0.0/11'], static: { ...target, apiRoot: 'https://elsewhere.example' } }],
      op,
    );
    expect(parsed.warnings).toEqual([
      "the table's apiRoot https://elsewhere.example differs from the registered https://api.a.example",
    ]);
  });
});

describe('GSMA OPG telco finder: dynamic routing rules point to a second-level telco finder (OPG.10 Routing Rule Format)', () => {
  const dynamic = {
    authProviderConfiguration: 'https://auth.a.example/.well-known/openid-configuration',
    telcoFinder: 'https://brands.a.example/telco-finder/v1',
  };

  it('claims a dynamic rule for the publishing operator and keeps its second-level finder', () => {
    const parsed = parseRoutingTable(
      [
        { ipv4: ['88.0.0.0/11'], static: target },
        { msisdnPrefix: ['+34611'], network: ['21408'], ipv6: ['2a02:9000::/23'], dynamic },
      ],
      op,
    );
    expect(parsed.routes).toEqual({
      ranges: ['88.0.0.0/11', '2a02:9000::/23'],
      prefixes: ['+34611'],
      networks: ['21408'],
    });
    expect(parsed.dynamic).toEqual([
      { kind: 'range', value: '2a02:9000::/23', ...dynamic },
      { kind: 'prefix', value: '+34611', ...dynamic },
      { kind: 'network', value: '21408', ...dynamic },
    ]);
  });

  it.each([
    [
      'both static and dynamic',
      [{ ipv4: ['88.0.0.0/11'], static: target, dynamic }],
      /exactly one of static or dynamic/,
    ],
    [
      'a dynamic rule without telcoFinder',
      [
        {
          ipv4: ['88.0.0.0/11'],
          dynamic: { authProviderConfiguration: dynamic.authProviderConfiguration },
        },
      ],
      /at \[0\]\.dynamic\.telcoFinder/,
    ],
    [
      'a telcoFinder that is not a URL',
      [{ ipv4: ['88.0.0.0/11'], dynamic: { telcoFinder: 'brands' } }],
      /rule 1: telcoFinder is not an http\(s\) URL/,
    ],
    [
      'a plain-http telcoFinder of a secure operator',
      [
        {
          ipv4: ['88.0.0.0/11'],
          dynamic: { telcoFinder: 'http://brands.a.example/telco-finder/v1' },
        },
      ],
      /rule 1: telcoFinder must be https/,
    ],
  ])('refuses %s', (_name, body, expected) => {
    expect(message(() => parseRoutingTable(body, op))).toMatch(expected);
  });

  it('takes a plain-http second-level finder from an operator marked insecure (sandbox)', () => {
    const parsed = parseRoutingTable(
      [{ network: ['99903'], dynamic: { telcoFinder: 'http://127.0.0.1:4010/telco-finder/v1' } }],
      { ...op, allowInsecureHttp: true },
    );
    expect(parsed.dynamic).toEqual([
      { kind: 'network', value: '99903', telcoFinder: 'http://127.0.0.1:4010/telco-finder/v1' },
    ]);
  });
});
