import { describe, expect, it } from '@jest/globals';
import { AccessTokenError, readAggregatorAccessToken } from './aggregator-access-token.js';
import type { AggregatorAccessTokenClaims } from './aggregator-token-claims.js';
import { mintAggregatorAccessToken } from '../test-support/mint-aggregator-access-token.js';
import { createTokenKeyring, generateTokenKey, TokenKeyError } from './token-keyring.js';

const ISS = 'https://switchboard.example';
const AUD = `${ISS}/camara`;
const now = Math.floor(Date.now() / 1000);
const claims: AggregatorAccessTokenClaims = {
  iss: ISS,
  aud: AUD,
  iat: now,
  exp: now + 60,
  jti: 'jti-1',
  client_id: 'client-1234',
  scope: 'dpv:FraudPreventionAndDetection number-verification:verify',
  sub: 'pairwise-sub',
  operator_id: 'sandbox-a',
  api_root: 'http://sandbox-a.test',
  operator_access_token: 'operator-token-value',
};

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AccessTokenError);
  return (err as AccessTokenError).reason;
}

describe('AggregatorAccessToken', () => {
  const oldKey = generateTokenKey();
  const newKey = generateTokenKey();
  const ring = createTokenKeyring([newKey, oldKey]);
  const read = (token: string, o: Partial<Parameters<typeof readAggregatorAccessToken>[1]> = {}) =>
    readAggregatorAccessToken(token, { keyring: ring, issuer: ISS, audience: AUD, ...o });

  it('round-trips as a compact dir/A256GCM JWE that hides the operator token', async () => {
    const token = await mintAggregatorAccessToken(claims, ring);
    expect(token.split('.')).toHaveLength(5);
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString()).toContain(newKey.kid);
    expect(token).not.toContain('operator-token-value');
    await expect(read(token)).resolves.toMatchObject(claims);
  });

  it('decrypts with an older key until it is retired', async () => {
    const token = await mintAggregatorAccessToken(claims, createTokenKeyring([oldKey]));
    await expect(read(token)).resolves.toMatchObject({ jti: 'jti-1' });
    const retired = createTokenKeyring([newKey]);
    expect(await refusal(read(token, { keyring: retired }))).toBe('unknown_kid');
  });

  it('names why a token is refused', async () => {
    const token = await mintAggregatorAccessToken(claims, ring);
    const [h, , iv, ct, tag] = token.split('.');
    const flipped = `${ct!.startsWith('A') ? 'B' : 'A'}${ct!.slice(1)}`;
    expect(await refusal(read([h, '', iv, flipped, tag].join('.')))).toBe('tampered');
    expect(await refusal(read('not-a-token'))).toBe('malformed');
    expect(await refusal(read(token, { issuer: 'https://other.example' }))).toBe('wrong_issuer');
    expect(await refusal(read(token, { audience: 'https://other.example' }))).toBe(
      'wrong_audience',
    );
    const later = new Date((claims.exp + 5) * 1000);
    expect(await refusal(read(token, { now: later }))).toBe('expired');
    const bare = await mintAggregatorAccessToken({ ...claims, api_root: '' }, ring);
    expect(await refusal(read(bare))).toBe('invalid_claims');
  });

  it('reads only the canonical spelling of a token (RFC 4648 §3.5: unused bits zero)', async () => {
    const token = await mintAggregatorAccessToken(claims, ring);
    const parts = token.split('.');
    const tag = parts[4]!;
    // 16 tag bytes are 22 characters whose last carries 4 unused bits: set one of them.
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const spelled = `${tag.slice(0, -1)}${last[last.indexOf(tag.at(-1)!) | 1]}`;
    expect(Buffer.from(spelled, 'base64url')).toEqual(Buffer.from(tag, 'base64url'));
    const other = [...parts.slice(0, 4), spelled].join('.');
    expect(await refusal(read(other))).toBe('malformed');
    expect((await read(token)).jti).toBe('jti-1');
  });

  it('refuses malformed keyrings', () => {
    expect(() => createTokenKeyring([])).toThrow(TokenKeyError);
    expect(() => createTokenKeyring([{ kid: 'short-key', secret: new Uint8Array(16) }])).toThrow(
      /32 bytes/,
    );
    expect(() => createTokenKeyring([newKey, newKey])).toThrow(/duplicate/);
  });
});
