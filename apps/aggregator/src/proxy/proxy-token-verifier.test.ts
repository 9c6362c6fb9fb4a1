import { describe, expect, it } from '@jest/globals';
import {
  aggregatorTokenAudience,
  createTokenKeyring,
  generateTokenKey,
  type TokenKeyring,
} from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import { nonCanonicalSpellings } from '../../test-support/token-spellings.js';
import { createProxyTokenVerifier } from './proxy-token-verifier.js';

const ISSUER = 'https://switchboard.example';
const T0 = Date.UTC(2026, 0, 1);
const key = generateTokenKey();

function mint(ring: TokenKeyring, jti = 'jti-1', exp = T0 / 1000 + 300): Promise<string> {
  return mintAggregatorAccessToken(
    {
      iss: ISSUER,
      aud: aggregatorTokenAudience(ISSUER),
      iat: T0 / 1000,
      exp,
      jti,
      client_id: 'client-1',
      scope: 'openid number-verification:verify',
      sub: 'subject-1',
      operator_id: 'op-a',
      api_root: 'https://op-a.example/camara',
      operator_access_token: 'operator-token',
    },
    ring,
  );
}

function setup(cacheSize?: number) {
  let now = T0;
  let ring = createTokenKeyring([key]);
  const verifier = createProxyTokenVerifier({
    keys: { tokenKeyring: async () => ring },
    issuer: ISSUER,
    clock: () => now,
    ...(cacheSize === undefined ? {} : { cacheSize }),
  });
  return {
    verifier,
    ring: () => ring,
    setRing: (r: TokenKeyring) => (ring = r),
    advance: (ms: number) => (now += ms),
  };
}

const unauthenticated = (message?: string) =>
  expect.objectContaining({ status: 401, code: 'UNAUTHENTICATED', ...(message ? { message } : {}) }); // prettier-ignore

describe('proxy token verifier', () => {
  it('decrypts a token once and serves the same string from its cache afterwards', async () => {
    const s = setup();
    const token = await mint(s.ring());
    const first = await s.verifier.verify(token);
    expect(first).toMatchObject({ operatorId: 'op-a', clientId: 'client-1', jti: 'jti-1' });
    expect(first.scope).toEqual(['openid', 'number-verification:verify']);
    expect(await s.verifier.verify(token)).toBe(first);
  });

  it('never serves a tampered copy of a cached token', async () => {
    const s = setup();
    const token = await mint(s.ring());
    await s.verifier.verify(token);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    await expect(s.verifier.verify(tampered)).rejects.toEqual(unauthenticated());
  });

  it('refuses a cached token once it has expired', async () => {
    const s = setup();
    const token = await mint(s.ring());
    await s.verifier.verify(token);
    s.advance(300_000);
    await expect(s.verifier.verify(token)).rejects.toEqual(
      unauthenticated('The access token has expired'),
    );
  });

  it('refuses a cached token as soon as its key is retired (the ring no longer has it)', async () => {
    const s = setup();
    const token = await mint(s.ring());
    await s.verifier.verify(token);
    s.setRing(createTokenKeyring([generateTokenKey()]));
    await expect(s.verifier.verify(token)).rejects.toEqual(unauthenticated());
  });

  it('keeps serving a cached token when the ring is reloaded with its key still in it', async () => {
    const s = setup();
    const token = await mint(s.ring());
    const first = await s.verifier.verify(token);
    s.setRing(createTokenKeyring([generateTokenKey(), key]));
    const again = await s.verifier.verify(token);
    expect(again).toEqual(first);
    expect(again).not.toBe(first); // verified again under the new ring
  });

  it('is bounded: the least recently used token is decrypted again', async () => {
    const s = setup(1);
    const a = await mint(s.ring(), 'jti-a');
    const b = await mint(s.ring(), 'jti-b');
    const first = await s.verifier.verify(a);
    await s.verifier.verify(b);
    const again = await s.verifier.verify(a);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it('a token has 64 valid string forms, each cached separately: only the canonical one is accepted (RFC 4648 §3.5), so one token is one cache entry', async () => {
    const s = setup(1);
    const token = await mint(s.ring(), 'jti-spelled');
    const first = await s.verifier.verify(token);
    const spellings = nonCanonicalSpellings(token);
    expect(spellings.length).toBeGreaterThanOrEqual(15);
    for (const spelling of spellings) {
      expect(Buffer.from(spelling.split('.')[4]!, 'base64url')).toEqual(
        Buffer.from(token.split('.')[4]!, 'base64url'),
      );
      await expect(s.verifier.verify(spelling)).rejects.toEqual(unauthenticated());
    }
    // A one-entry cache still holds the canonical token: no other spelling took its place.
    expect(await s.verifier.verify(token)).toBe(first);
  });
});
