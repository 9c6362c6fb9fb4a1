import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { jsonHasNoControlCharacters, NO_CONTROL_CHARACTERS } from './field-rules.js';

/** A JWK node:crypto can turn into a key: catches a bad curve point or modulus at entry, not at sign-in. */
export function importsAsKey(jwk: Record<string, unknown>, kind: 'public' | 'private'): boolean {
  try {
    const key = { key: jwk as JsonWebKey, format: 'jwk' } as const;
    if (kind === 'public') createPublicKey(key);
    else createPrivateKey(key);
    return true;
  } catch {
    return false;
  }
}

const KEY_TYPES = ['EC', 'RSA', 'OKP'];

/** The private key Switchboard signs its client assertions with at an operator (RFC 7523). */
export const privateJwkSchema = z
  .record(z.string(), z.unknown())
  .refine((j) => typeof j.kty === 'string' && KEY_TYPES.includes(j.kty), {
    message: 'must be an EC, RSA or OKP JWK',
  })
  .refine((j) => typeof j.d === 'string', { message: 'must be a private JWK (it has no "d")' })
  .refine((j) => importsAsKey(j, 'private'), { message: 'is not a usable private key' });

/** A client's public key, for its assertions and signed request objects (CAMARA ICM). */
const publicJwkSchema = z
  .record(z.string(), z.unknown())
  .refine((k) => KEY_TYPES.includes(k.kty as string), 'must be an EC, RSA or OKP key')
  .refine((k) => k.d === undefined, 'must be a public key: never send a private key ("d")')
  .refine(jsonHasNoControlCharacters, NO_CONTROL_CHARACTERS)
  .refine((k) => importsAsKey(k, 'public'), 'is not a usable public key');

/** A client's public JWK Set (RFC 7517 §5): one to ten keys. */
export const publicJwksSchema = z
  .object({ keys: z.array(publicJwkSchema).min(1).max(10) })
  .strict();

export type PublicJwks = z.output<typeof publicJwksSchema>;
