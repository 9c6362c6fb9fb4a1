import { describe, expect, it } from '@jest/globals';
import { createTokenKeyring, generateTokenKey } from '@switchboard/tokens';
import { createVerifiedTokenCache, type VerifiedToken } from './verified-token-cache.js';

const ring = createTokenKeyring([generateTokenKey()]);
const verified = (jti: string): VerifiedToken => ({
  claims: { jti } as VerifiedToken['claims'],
  kid: undefined,
  ring,
});

describe('verified token cache (CLOCK)', () => {
  it('returns what was set for the same string only', () => {
    const cache = createVerifiedTokenCache(4);
    const a = verified('a');
    cache.set('token-a', a);
    expect(cache.get('token-a')).toBe(a);
    expect(cache.get('token-b')).toBeUndefined();
  });

  it('holds at most maxEntries and gives a token hit since the hand passed a second chance', () => {
    const cache = createVerifiedTokenCache(2);
    cache.set('a', verified('a'));
    cache.set('b', verified('b'));
    cache.get('a'); // a is used: the hand spares it once
    cache.set('c', verified('c'));
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('forgets a deleted token and reuses its slot', () => {
    const cache = createVerifiedTokenCache(2);
    cache.set('a', verified('a'));
    cache.set('b', verified('b'));
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.set('c', verified('c'));
    expect(cache.get('b')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('tells apart tokens that share their end (one slot: a miss, never a wrong hit)', () => {
    const cache = createVerifiedTokenCache(4);
    const tail = '.'.padEnd(40, 'x');
    const a = verified('a');
    const b = verified('b');
    cache.set(`a${tail}`, a);
    expect(cache.get(`b${tail}`)).toBeUndefined();
    cache.set(`b${tail}`, b);
    expect(cache.get(`b${tail}`)).toBe(b);
    expect(cache.get(`a${tail}`)).toBeUndefined();
    cache.delete(`a${tail}`);
    expect(cache.get(`b${tail}`)).toBe(b);
  });
});
