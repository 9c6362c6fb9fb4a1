import { describe, expect, it } from '@jest/globals';
import { isCamaraError } from '@switchboard/camara';
import type { Operator, RouteMatch } from '@switchboard/telco-finder';
import type { FinderLookupResult } from '../infra/metrics/metrics.js';
import { createFinderSearch } from './finder-search.js';

const operator = {
  id: 'op-a',
  apiRoot: 'https://api.op-a.example',
  issuerUrl: 'https://auth.op-a.example/',
} as Operator;
const match: RouteMatch = { operator, matched: { type: 'ip', value: '10.0.0.0/8' } };

function setup() {
  const lookups: FinderLookupResult[] = [];
  const asked: string[] = [];
  const search = createFinderSearch({
    index: {
      lookupIp: (ip) => (asked.push(ip), ip.startsWith('10.') ? match : undefined),
      lookupPhoneNumber: (n) => (asked.push(n), n.startsWith('+3460') ? match : undefined),
    },
    recordLookup: (r) => lookups.push(r),
  });
  return { search, lookups, asked };
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isCamaraError(e) ? `${e.status} ${e.code}` : 'other';
  }
  return 'none';
};

describe('finder search', () => {
  it('answers the operator id, and the api root and discovery URL only on request', () => {
    const { search } = setup();
    expect(search.search({ target: { phoneNumber: '+34600000001' } })).toEqual({
      operatorId: 'op-a',
    });
    expect(
      search.search({
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

  it('looks up IPv6 targets as given and records each outcome', () => {
    const { search, lookups, asked } = setup();
    expect(codeOf(() => search.search({ target: { ipv6Address: '2001:db8::1' } }))).toBe(
      '404 NOT_FOUND',
    );
    search.search({ target: { phoneNumber: '+34600000001' } });
    expect(asked).toEqual(['2001:db8::1', '+34600000001']);
    expect(lookups).toEqual(['not-found', 'found']);
  });

  it('refuses malformed requests without looking anything up', () => {
    const { search, lookups } = setup();
    for (const body of [
      null,
      [],
      { target: { phoneNumber: '+34600000001' }, includeApiRoot: 1 },
      { target: { ipv4Address: '10.1.2.3' } },
      { target: { ipv4Address: { publicAddress: '10.1.2.3', other: 1 } } },
    ])
      expect(codeOf(() => search.search(body))).toBe('400 INVALID_ARGUMENT');
    expect(lookups).toEqual([]);
  });
});
