import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';

export const OPERATOR_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
export type OperatorStatus = 'active' | 'disabled';
export type ClientAuthMethod = 'client_secret_basic' | 'private_key_jwt';
/** `camara`: `dpv:X number-verification:verify`; `dpv-hash`: `dpv:X#number-verification-verify-read`. */
export type ScopeStyle = 'camara' | 'dpv-hash';

/** An operator as the rest of Switchboard sees it; credentials are never part of it. */
export interface Operator {
  id: string;
  name: string;
  country: string;
  status: OperatorStatus;
  issuerUrl: string;
  apiRoot: string;
  clientId: string;
  clientAuthMethod: ClientAuthMethod;
  scopeStyle: ScopeStyle;
  allowInsecureHttp: boolean;
  /** GSMA OPG.10 `GET /telco-routing/v1/routing` Switchboard polls, when the operator publishes one. */
  routingUrl: string | null;
  /** CAMARA APIs and versions the operator offers (informative: shown to admins). */
  supportedApis: SupportedApi[];
  createdAt: string;
  updatedAt: string;
}

export interface SupportedApi {
  name: string;
  versions: string[];
}

/** What Switchboard presents at the operator's token endpoint (sealed at rest). */
export type OperatorCredentials =
  | { method: 'client_secret_basic'; clientSecret: string }
  | { method: 'private_key_jwt'; privateJwk: Record<string, unknown> };

/**
 * Control characters (C0, DEL, C1) garble logs and terminals, and PostgreSQL `text` refuses
 * U+0000 outright; no name, identifier or URL Switchboard stores may contain one.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;
export const hasNoControlCharacters = (value: string) => !CONTROL_CHARACTER.test(value);

/** The same for every string inside a JSON value (a JWK's `kid`, say, before it goes to jsonb). */
export function jsonHasNoControlCharacters(value: unknown): boolean {
  if (typeof value === 'string') return hasNoControlCharacters(value);
  if (Array.isArray(value)) return value.every(jsonHasNoControlCharacters);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).every(
      ([k, v]) => hasNoControlCharacters(k) && jsonHasNoControlCharacters(v),
    );
  return true;
}

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

const NO_CONTROL_CHARACTERS = { message: 'must not contain control characters' };

/** A display name: one line of text, trimmed, 1–200 characters. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS);

/** The client_id Switchboard uses at an operator: RFC 6749 VSCHAR (printable ASCII). */
const operatorClientIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII (RFC 6749 client_id)');

const privateJwk = z
  .record(z.string(), z.unknown())
  .refine((j) => typeof j.kty === 'string' && ['EC', 'RSA', 'OKP'].includes(j.kty as string), {
    message: 'must be an EC, RSA or OKP JWK',
  })
  .refine((j) => typeof j.d === 'string', { message: 'must be a private JWK (it has no "d")' })
  .refine((j) => importsAsKey(j, 'private'), { message: 'is not a usable private key' });

export const credentialsSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('client_secret_basic'), clientSecret: z.string().min(8).max(512) }),
  z.object({ method: z.literal('private_key_jwt'), privateJwk }),
]);

// An OIDC issuer has no query or fragment (OIDC Discovery §4), and the proxy appends paths
// to the api root, so one with either would be accepted here and then never route.
const url = z
  .string()
  .max(2048)
  .refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS)
  .refine(isHttpUrl, { message: 'must be an http(s) URL' })
  .refine((v) => !/[?#]/.test(v), { message: 'must not have a query or fragment' });

export const supportedApisSchema = z
  .array(
    z
      .object({
        name: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a CAMARA API name such as number-verification'),
        versions: z
          .array(z.string().regex(/^v[0-9]+(\.[0-9]+){0,2}(-[a-z0-9.]+)?$/, 'a version such as v2'))
          .min(1)
          .max(20),
      })
      .strict(),
  )
  .max(100);

// Shape without defaults: an update must only carry what the caller sent (zod 4 applies
// `.default()` even inside `.partial()`, which would silently reset fields).
const operatorShape = {
  id: z.string().regex(OPERATOR_ID, 'lower-case letters, digits and dashes, 2–63 characters'),
  name: displayNameSchema,
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'ISO 3166-1 alpha-2 code such as ES')
    .transform((c) => c.toUpperCase()),
  issuerUrl: url,
  apiRoot: url,
  clientId: operatorClientIdSchema,
  credentials: credentialsSchema,
  scopeStyle: z.enum(['camara', 'dpv-hash']),
  allowInsecureHttp: z.boolean(),
  status: z.enum(['active', 'disabled']),
  routingUrl: url.nullable(),
  supportedApis: supportedApisSchema,
};

export const operatorInputSchema = z
  .object({
    ...operatorShape,
    scopeStyle: operatorShape.scopeStyle.default('camara'),
    allowInsecureHttp: operatorShape.allowInsecureHttp.default(false),
    status: operatorShape.status.default('active'),
    routingUrl: operatorShape.routingUrl.default(null),
    supportedApis: operatorShape.supportedApis.default([]),
  })
  .strict();

export type OperatorInput = z.input<typeof operatorInputSchema>;

const { id: _id, ...updatable } = operatorShape;
export const operatorUpdateSchema = z.object(updatable).partial().strict();

export type OperatorUpdate = z.input<typeof operatorUpdateSchema>;

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** Plain HTTP only for operators explicitly marked insecure (sandbox/dev). */
export function insecureUrlProblems(
  op: Pick<Operator, 'issuerUrl' | 'apiRoot' | 'allowInsecureHttp'> & {
    routingUrl?: string | null;
  },
): string[] {
  if (op.allowInsecureHttp) return [];
  const problems: string[] = [];
  if (!op.issuerUrl.startsWith('https:'))
    problems.push('issuerUrl must be https (or mark the operator --insecure for a sandbox)');
  if (!op.apiRoot.startsWith('https:'))
    problems.push('apiRoot must be https (or mark the operator --insecure for a sandbox)');
  if (op.routingUrl && !op.routingUrl.startsWith('https:'))
    problems.push('routingUrl must be https (or mark the operator --insecure for a sandbox)');
  return problems;
}

export interface IpRangeRecord {
  operatorId: string;
  cidr: string;
  allowOverlap: boolean;
  createdAt: string;
}

export interface MsisdnPrefixRecord {
  operatorId: string;
  prefix: string;
  allowOverlap: boolean;
  createdAt: string;
}

export interface NetworkRecord {
  operatorId: string;
  mccMnc: string;
  createdAt: string;
}

/** Who made a change, for the audit log. */
export interface Actor {
  kind: 'admin' | 'operator' | 'system';
  id: string;
}

export const actorName = (a: Actor) => `${a.kind}:${a.id}`;
