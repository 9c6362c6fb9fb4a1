import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  aggregatorTokenAudience,
  createTokenKeyring,
  generateTokenKey,
  type AggregatorAccessTokenClaims,
  type TokenKeyring,
} from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import { headerValue } from '@switchboard/test-kit/test-support';
import type { Aggregator } from '../src/app.js';
import { telcoFinderAudience } from '../src/finder-api/telco-finder-scope.js';
import { nonCanonicalSpellings } from './token-spellings.js';

/** A bearer header to try and what kind of forgery or damage it is (shown on failure). */
export interface TokenVariant {
  readonly kind: string;
  readonly header: string;
  /** Minted by this very deployment (still metered when refused: the client is known). */
  readonly genuine?: boolean;
}

/** Tokens an attacker could build, minted once (jose is async, generators are not). */
export interface TokenForge {
  readonly forged: readonly TokenVariant[];
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/**
 * Forged AggregatorAccessTokens: under our real key but with bad claims (expired, foreign
 * audience or issuer, unregistered api root), under another deployment's key, under a
 * `kid` we never issued, and unsigned (`alg: none`) in both JWS and JWE shapes.
 */
export async function createTokenForge(
  agg: Aggregator,
  valid: AggregatorAccessTokenClaims,
): Promise<TokenForge> {
  const ours = await agg.keys.tokenKeyring();
  const foreign = createTokenKeyring([generateTokenKey()]);
  const otherSecretSameKid = createTokenKeyring([
    { kid: ours.current.kid, secret: randomBytes(32) },
  ]);
  const unknownKid = createTokenKeyring([{ kid: 'kid-never-issued', secret: ours.current.secret }]);
  const claims = (patch: Partial<AggregatorAccessTokenClaims>) => ({
    ...valid,
    iat: now(),
    exp: now() + 300,
    ...patch,
  });
  const mint = async (kind: string, ring: TokenKeyring, patch = {}, genuine = false) => ({
    kind,
    header: `Bearer ${await mintAggregatorAccessToken(claims(patch), ring)}`,
    genuine,
  });
  const [, , iv, , tag] = (await mintAggregatorAccessToken(claims({}), ours)).split('.');
  const forged: TokenVariant[] = await Promise.all([
    mint('expired', ours, { iat: now() - 600, exp: now() - 1 }),
    mint('wrong audience (telco finder)', ours, { aud: telcoFinderAudience(agg.issuer) }),
    mint('wrong issuer', ours, {
      iss: 'http://127.0.0.1:1/other',
      aud: aggregatorTokenAudience('http://127.0.0.1:1/other'),
    }),
    // Ours, so well-formed, but routing nowhere registered (operator moved or removed).
    mint('unregistered api root', ours, { api_root: 'http://127.0.0.1:9/evil' }, true),
    mint('operator with no route', ours, { operator_id: 'nobody' }, true),
    mint('missing operator token', ours, { operator_access_token: '' }),
    mint("another deployment's key", foreign),
    mint('our kid, another secret', otherSecretSameKid),
    mint('unknown kid', unknownKid),
  ]);
  const none = { alg: 'none', enc: 'A256GCM', kid: ours.current.kid, typ: 'at+jwt' };
  forged.push(
    { kind: 'alg none JWS', header: `Bearer ${b64({ alg: 'none' })}.${b64(claims({}))}.` },
    { kind: 'alg none JWE', header: `Bearer ${b64(none)}..${iv}.${b64(claims({}))}.${tag}` },
    {
      kind: 'alg dir, weaker enc',
      header: `Bearer ${b64({ ...none, alg: 'dir', enc: 'A128GCM' })}..${iv}.${b64(claims({}))}.${tag}`,
    },
  );
  return { forged };
}

/** Flips one bit of one decoded, non-empty segment: the bytes always differ. */
function flipBit(token: string, segment: number, bit: number): string {
  const parts = token.split('.');
  const candidates = parts.map((p, i) => (p ? i : -1)).filter((i) => i >= 0);
  const at = candidates[segment % candidates.length]!;
  const bytes = Buffer.from(parts[at]!, 'base64url');
  bytes[Math.floor(bit / 8) % bytes.length]! ^= 1 << (bit % 8);
  parts[at] = bytes.toString('base64url');
  return parts.join('.');
}

/** Every kind of bad bearer header, from random bytes to near-misses of a live token. */
export function bearerTokenVariant(
  live: () => string,
  forge: TokenForge,
): fc.Arbitrary<TokenVariant> {
  return fc.oneof(
    fc.constantFrom(...forge.forged),
    fc.uint8Array({ minLength: 1, maxLength: 600 }).map((a) => ({
      kind: 'random bytes',
      header: `Bearer ${Buffer.from(a).toString('base64url')}`,
    })),
    headerValue().map((v) => ({ kind: 'random header', header: v })),
    fc.nat().map((n) => {
      const t = live();
      return { kind: 'truncated', header: `Bearer ${t.slice(0, n % t.length)}` };
    }),
    fc.tuple(fc.nat(), fc.nat()).map(([segment, bit]) => ({
      kind: 'bit-flipped',
      header: `Bearer ${flipBit(live(), segment, bit)}`,
    })),
    fc.nat().map((n) => {
      const spellings = nonCanonicalSpellings(live());
      return {
        kind: 'non-canonical base64url',
        header: `Bearer ${spellings[n % spellings.length]}`,
      };
    }),
    fc.nat(4).map((drop) => ({
      kind: 'segment removed',
      header: `Bearer ${live()
        .split('.')
        .filter((_, i) => i !== drop)
        .join('.')}`,
    })),
    fc
      .constantFrom(
        (t: string) => `Basic ${t}`,
        (t: string) => `Token ${t}`,
        (t: string) => `Bearer ${t}.${t}`,
        (t: string) => `Bearer ${t} ${t}`,
        (t: string) => `Bearer ${t.toLowerCase()}`,
        (t: string) => `Bearer ${t.split('.').reverse().join('.')}`,
        (t: string) => `Bearer ${t}%00`,
        () => 'Bearer',
        () => '',
      )
      .map((build) => ({ kind: 'malformed header', header: build(live()) })),
  );
}
