import { randomBytes } from 'node:crypto';

/** One symmetric AggregatorAccessToken key (`dir` + A256GCM: exactly 32 bytes). */
export interface TokenKey {
  readonly kid: string;
  readonly secret: Uint8Array;
}

/**
 * The token keys in force: new tokens use `current` (the newest), every key in the ring
 * still decrypts until it is retired (removed from the ring).
 */
export interface TokenKeyring {
  readonly current: TokenKey;
  find(kid: string): TokenKey | undefined;
  readonly kids: readonly string[];
}

export class TokenKeyError extends Error {
  override readonly name = 'TokenKeyError';
}

const KID = /^[A-Za-z0-9_-]{4,64}$/;

/** `keys` newest first. */
export function createTokenKeyring(keys: ReadonlyArray<TokenKey>): TokenKeyring {
  const [current] = keys;
  if (!current) throw new TokenKeyError('a token keyring needs at least one key');
  const byKid = new Map<string, TokenKey>();
  for (const key of keys) {
    if (!KID.test(key.kid)) throw new TokenKeyError(`malformed kid '${key.kid}'`);
    if (key.secret.length !== 32)
      throw new TokenKeyError(`key ${key.kid} must be 32 bytes for A256GCM`);
    if (byKid.has(key.kid)) throw new TokenKeyError(`duplicate kid '${key.kid}'`);
    byKid.set(key.kid, key);
  }
  return { current, find: (kid) => byKid.get(kid), kids: [...byKid.keys()] };
}

/** A fresh random key with a kid that sorts by creation time. */
export function generateTokenKey(now = new Date()): TokenKey {
  const stamp = now.toISOString().slice(0, 10).replaceAll('-', '');
  return { kid: `at-${stamp}-${randomBytes(6).toString('base64url')}`, secret: randomBytes(32) };
}
