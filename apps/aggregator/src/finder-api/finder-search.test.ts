import { describe, expect, it } from '@jest/globals';
import { isCamaraError } from '@switchboard/camara';
import type { Operator, RouteMatch } from '@switchboard/telco-finder';
import type { FinderLookupResult } from '../infra/metrics/metrics.js';
import { createFinderSearch, type FinderSearchResult } from './finder-search.js';

const operator = {
  id: 'op-a',
  apiRoot: 'https://api.op-a.example',
  issuerUrl: 'https://auth.op-a.example/',
} as Operator;
const operatorB = {
  id: 'op-b',
  apiRoot: 'https://api.op-b.example',
  issuerUrl: 'https://auth.op-b.example',
} as Operator;
const match: RouteMatch = { operator, matched: { type: 'ip', value: '10.0.0.0/8' } };
const networks: Record<string, Operator> = { '99901': operator, '99902': operatorB };

/** `ported`: what the fake Network Id API answers per number; a number it lacks fails. */
function setup(ported: Record<string, string> = {}) {
  const lookups: FinderLookupResult[] = [];
  const asked: string[] = [];
  const networkIds: string[] = [];
  const search = createFinderSearch({
    index: {
      lookupIp: (ip) => (asked.push(ip), ip.startsWith('10.') ? match : undefined),
      lookupPhoneNumber: (n) => (asked.push(n), n.startsWith('+3460') ? match : undefined),
      lookupNetwork: (id) => {
        const op = networks[id];
        return op ? { operator: op, matched: { type: 'network', value: id } } : undefined;
      },
    },
    networkId: {
      async resolve(op, phoneNumber) {
        networkIds.push(`${op.id} ${phoneNumber}`);
        const id = ported[phoneNumber];
        if (id === undefined) throw new Error('network id unavailable');
        return id;
      },
    },
    secondLevel: { search: () => Promise.reject(new Error('no dynamic routes here')) },
    recordLookup: (r) => lookups.push(r),
  });
  return { search, lookups, asked, networkIds };
}

const codeOf = async (fn: () => Promise<unknown>) => {
  try {
    await fn();
  } catch (e) {
    return isCamaraError(e) ? `${e.status} ${e.code}` : 'other';
  }
  return 'none';
};

describe('finder search', () => {
  it('answers the operator id, and the api root and discovery URL only on request', async () => {
    const { search } = setup();
    expect(await search.search({ target: { phoneNumber: '+34600000001' } })).toEqual({
      operatorId: 'op-a',
    });
    expect(
      await search.search({
        target: { ipv4Address: { publicAddress: '10.1.2.3', publicPort: 1234 } },
        includeApiRoot: true,
        includeAuthProviderConfiguration: true,
      }),
    ).toEqual({
      operatorId: 'op-a',
      apiRoot: 'https://api.op-a.example',
      authProviderConfiguration: 'https://auth.op-a.example/.well-known/openid-configuration',
    });
  });

  it('looks up IPv6 targets as given and records each outcome', async () => {
    const { search, lookups, asked } = setup();
    expect(await codeOf(() => search.search({ target: { ipv6Address: '2001:db8::1' } }))).toBe(
      '404 NOT_FOUND',
    );
    await search.search({ target: { phoneNumber: '+34600000001' } });
    expect(asked).toEqual(['2001:db8::1', '+34600000001']);
    expect(lookups).toEqual(['not-found', 'found']);
  });

  it('refuses malformed requests without looking anything up', async () => {
    const { search, lookups } = setup();
    for (const body of [
      null,
      [],
      { target: { phoneNumber: '+34600000001' }, includeApiRoot: 1 },
      { target: { ipv4Address: '10.1.2.3' } },
      { target: { ipv4Address: { publicAddress: '10.1.2.3', other: 1 } } },
    ])
      expect(await codeOf(() => search.search(body))).toBe('400 INVALID_ARGUMENT');
    expect(lookups).toEqual([]);
  });
});

describe('GSMA OPG telco finder: portabilitySearchMode is accepted, SHALLOW by default (OPG.10 Telco Finder Interface)', () => {
  it('answers a request naming SHALLOW or DEEP instead of refusing it', async () => {
    const { search } = setup({ '+34600000001': '99901' });
    for (const mode of ['SHALLOW', 'DEEP'])
      await expect(
        search.search({ target: { phoneNumber: '+34600000001' }, portabilitySearchMode: mode }),
      ).resolves.toEqual({ operatorId: 'op-a' });
  });

  it('refuses any other mode with 400 INVALID_ARGUMENT', async () => {
    const { search } = setup();
    for (const mode of ['deep', 'FULL', 1, null])
      expect(
        await codeOf(() =>
          search.search({ target: { phoneNumber: '+34600000001' }, portabilitySearchMode: mode }),
        ),
      ).toBe('400 INVALID_ARGUMENT');
  });

  it('SHALLOW (and no mode) answers from the routing table without asking Network Id', async () => {
    const { search, networkIds } = setup();
    await search.search({ target: { phoneNumber: '+34600000001' } });
    await search.search({
      target: { phoneNumber: '+34600000001' },
      portabilitySearchMode: 'SHALLOW',
    });
    expect(networkIds).toEqual([]);
  });
});

describe('GSMA OPG telco finder: DEEP asks the Network Id API of the prefix holder (OPG.10 Network Id API)', () => {
  it('routes a ported number to the operator of its real network', async () => {
    const { search, networkIds } = setup({ '+34600000002': '99902' });
    await expect(
      search.search({
        target: { phoneNumber: '+34600000002' },
        portabilitySearchMode: 'DEEP',
        includeApiRoot: true,
      }),
    ).resolves.toEqual({ operatorId: 'op-b', apiRoot: 'https://api.op-b.example' });
    expect(networkIds).toEqual(['op-a +34600000002']);
  });

  it('keeps the prefix holder when the number was not ported', async () => {
    const { search } = setup({ '+34600000001': '99901' });
    await expect(
      search.search({ target: { phoneNumber: '+34600000001' }, portabilitySearchMode: 'DEEP' }),
    ).resolves.toEqual({ operatorId: 'op-a' });
  });

  it('answers 404 NOT_FOUND when the real network has no operator here', async () => {
    const { search, lookups } = setup({ '+34600000003': '21407' });
    expect(
      await codeOf(() =>
        search.search({ target: { phoneNumber: '+34600000003' }, portabilitySearchMode: 'DEEP' }),
      ),
    ).toBe('404 NOT_FOUND');
    expect(lookups).toEqual(['not-found']);
  });

  it('answers 503 UNAVAILABLE, not a possibly stale answer, when Network Id fails', async () => {
    const { search, lookups } = setup({});
    expect(
      await codeOf(() =>
        search.search({ target: { phoneNumber: '+34600000001' }, portabilitySearchMode: 'DEEP' }),
      ),
    ).toBe('503 UNAVAILABLE');
    expect(lookups).toEqual(['error']);
  });

  it('answers 404 NOT_FOUND without asking anyone when no operator holds the prefix', async () => {
    const { search, networkIds } = setup({});
    expect(
      await codeOf(() =>
        search.search({ target: { phoneNumber: '+4915112345678' }, portabilitySearchMode: 'DEEP' }),
      ),
    ).toBe('404 NOT_FOUND');
    expect(networkIds).toEqual([]);
  });
});

describe('GSMA OPG telco finder: dynamic routing rules are followed to the second-level telco finder (OPG.10 Dynamic Routing)', () => {
  const dynamic = { telcoFinder: 'https://brands.op-a.example/telco-finder/v1' };
  function dynamicSetup(answer: (target: unknown) => Promise<FinderSearchResult | undefined>) {
    const asked: Array<{ operatorId: string; request: unknown }> = [];
    const lookups: FinderLookupResult[] = [];
    const search = createFinderSearch({
      index: {
        lookupIp: () => undefined,
        lookupPhoneNumber: (n) => (n.startsWith('+3461') ? { ...match, dynamic } : undefined),
        lookupNetwork: () => undefined,
      },
      networkId: { resolve: () => Promise.reject(new Error('unused')) },
      secondLevel: {
        async search(m, request) {
          asked.push({
            operatorId: m.operator.id,
            request: { ...request, url: m.dynamic?.telcoFinder },
          });
          return answer(request.target);
        },
      },
      recordLookup: (r) => lookups.push(r),
    });
    return { search, asked, lookups };
  }

  it("answers the second-level finder's brand, asking it with the same target and flags", async () => {
    const { search, asked } = dynamicSetup(async () => ({
      operatorId: 'op-a-brand',
      apiRoot: 'https://api.brand.example',
    }));
    const body = { target: { phoneNumber: '+34611000001' }, includeApiRoot: true };
    await expect(search.search(body)).resolves.toEqual({
      operatorId: 'op-a-brand',
      apiRoot: 'https://api.brand.example',
    });
    expect(asked).toEqual([
      {
        operatorId: 'op-a',
        request: {
          target: { phoneNumber: '+34611000001' },
          includeApiRoot: true,
          includeAuthProviderConfiguration: false,
          portabilitySearchMode: 'SHALLOW',
          url: dynamic.telcoFinder,
        },
      },
    ]);
  });

  it('answers 404 NOT_FOUND when the second-level finder serves no brand for the target', async () => {
    const { search, lookups } = dynamicSetup(async () => undefined);
    expect(await codeOf(() => search.search({ target: { phoneNumber: '+34611000001' } }))).toBe(
      '404 NOT_FOUND',
    );
    expect(lookups).toEqual(['not-found']);
  });

  it('answers 503 UNAVAILABLE when the second-level finder fails', async () => {
    const { search, lookups } = dynamicSetup(() => Promise.reject(new Error('timed out')));
    expect(await codeOf(() => search.search({ target: { phoneNumber: '+34611000001' } }))).toBe(
      '503 UNAVAILABLE',
    );
    expect(lookups).toEqual(['error']);
  });
});
