import { API_SCOPES } from '@switchboard/camara';
import { z } from 'zod';
import {
  displayNameSchema,
  hasNoControlCharacters,
  JSON_OBJECT,
  NO_CONTROL_CHARACTERS,
  OPERATOR_ID,
} from './field-rules.js';
import { publicJwksSchema } from './jwk-rules.js';
import { clientAuthMethodSchema } from './operator-contracts.js';
import { allowedOriginsSchema, apkKeyHashesSchema } from './operator-token-rules.js';

// Admin API `/admin/v1/clients…`: service providers' OIDC clients (apps) and machine clients
// of the telco finder and operator APIs.

/** The CAMARA API scopes an admin can allow an app: those the aggregator issues tokens for. */
export const ALLOWABLE_SCOPES: readonly string[] = API_SCOPES;

/** A list of allowed scopes: known ones only, each once, in ALLOWABLE_SCOPES order. */
export const allowedScopesSchema = z
  .array(
    z.string().refine((s) => ALLOWABLE_SCOPES.includes(s), {
      message: `must be one of ${ALLOWABLE_SCOPES.join(', ')}`,
    }),
  )
  .max(ALLOWABLE_SCOPES.length * 2)
  .transform((scopes) => ALLOWABLE_SCOPES.filter((s) => scopes.includes(s)));

/**
 * `client_credentials`: a machine client of the telco finder API (GSMA OPG.10) or the operator
 * API. `backend`: a service provider's server using the CAMARA ICM r4.2 backend flows, CIBA
 * (poll mode) and JWT-bearer (RFC 7523), with no browser (docs/backend-authorization.md).
 */
export const grantTypeSchema = z.enum(['authorization_code', 'client_credentials', 'backend']);
export type GrantType = z.output<typeof grantTypeSchema>;

/** RFC 9700 §2.1: compared exactly; https, or http on the loopback only; no fragment. */
const redirectUriSchema = z
  .string()
  .max(2048)
  .refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS)
  .refine(isRedirectUri, {
    message: 'must be an absolute https URL (http only for localhost/127.0.0.1) without fragment',
  });

/** Operator-token settings belong to backend clients (CAMARA ICM r4.2 JWT-bearer). */
export const OPERATOR_TOKEN_BACKEND_ONLY =
  'only a backend client exchanges operator tokens (allowedOrigins, apkKeyHashes)';

/** `POST /clients`. */
export const clientAddSchema = z
  .object({
    name: displayNameSchema,
    grantType: grantTypeSchema.default('authorization_code'),
    redirectUris: z.array(redirectUriSchema).max(20).default([]),
    authMethod: clientAuthMethodSchema.default('private_key_jwt'),
    jwks: publicJwksSchema.optional(),
    generateKey: z.boolean().default(false),
    operatorId: z.string().regex(OPERATOR_ID, 'an operator id').optional(),
    allowedScopes: allowedScopesSchema.optional(),
    /** ICM JWT-bearer: the client's assertions may name a `tel:` subject (an admin's trust). */
    trustTelSubject: z.boolean().default(false),
    /** CAMARA ICM r4.2: the app's authorization requests must be signed request objects. */
    requireSignedRequestObject: z.boolean().default(false),
    /** Operator tokens: the web origins a Telephony Binding JWT `aud` may name for this app. */
    allowedOrigins: allowedOriginsSchema.default([]),
    /** Operator tokens: the Android apps (`android:apk-key-hash:<h>`) a Binding JWT `aud` may name. */
    apkKeyHashes: apkKeyHashesSchema.default([]),
  })
  .strict()
  // An app needs at least one redirect URI; machine and backend clients redirect nowhere.
  .refine((c) => (c.grantType === 'authorization_code') === c.redirectUris.length > 0, {
    path: ['redirectUris'],
    message:
      'an authorization_code client needs redirect URIs; client_credentials and backend clients take none',
  })
  .refine((c) => c.grantType !== 'client_credentials' || !c.allowedScopes?.length, {
    path: ['allowedScopes'],
    message: 'a client_credentials client requests no CAMARA API scopes',
  })
  // ICM: private_key_jwt for CIBA; a JWT-bearer assertion is signed with the client's key.
  .refine((c) => c.grantType !== 'backend' || c.authMethod === 'private_key_jwt', {
    path: ['authMethod'],
    message: 'a backend client authenticates with private_key_jwt',
  })
  .refine((c) => c.grantType === 'backend' || !c.trustTelSubject, {
    path: ['trustTelSubject'],
    message: 'only a backend client sends JWT-bearer assertions',
  })
  // The operator-token exchange is a JWT-bearer grant, so only a backend client makes one.
  .refine((c) => c.grantType === 'backend' || c.allowedOrigins.length === 0, {
    path: ['allowedOrigins'],
    message: OPERATOR_TOKEN_BACKEND_ONLY,
  })
  .refine((c) => c.grantType === 'backend' || c.apkKeyHashes.length === 0, {
    path: ['apkKeyHashes'],
    message: OPERATOR_TOKEN_BACKEND_ONLY,
  })
  // A request object is signed with the app's key (ICM: the one of its private_key_jwt).
  .refine(
    (c) =>
      !c.requireSignedRequestObject ||
      (c.grantType === 'authorization_code' && c.authMethod === 'private_key_jwt'),
    {
      path: ['requireSignedRequestObject'],
      message: 'only an authorization_code client with private_key_jwt signs request objects',
    },
  )
  // Operators authenticate with private_key_jwt only (ICM); they never redirect anywhere.
  .refine(
    (c) =>
      !c.operatorId || (c.grantType === 'client_credentials' && c.authMethod === 'private_key_jwt'),
    {
      path: ['operatorId'],
      message: 'an operator client is a client_credentials client with private_key_jwt',
    },
  );
export type ClientAddInput = z.input<typeof clientAddSchema>;
export type ClientAdd = z.output<typeof clientAddSchema>;

/** `PATCH /clients/{id}`. */
export const clientUpdateSchema = z
  .object({
    name: displayNameSchema,
    redirectUris: z.array(redirectUriSchema).min(1).max(20),
    jwks: publicJwksSchema,
    allowedScopes: allowedScopesSchema,
    trustTelSubject: z.boolean(),
    requireSignedRequestObject: z.boolean(),
    /** Replaces the list; [] clears it. */
    allowedOrigins: allowedOriginsSchema,
    /** Replaces the list; [] clears it. */
    apkKeyHashes: apkKeyHashesSchema,
  })
  .partial()
  .strict();
export type ClientUpdateInput = z.input<typeof clientUpdateSchema>;

/**
 * `POST /operators/{id}/credentials`, a JSON object or nothing: the operator's client of the
 * operator API, a client_credentials client with private_key_jwt. `name`, `jwks` and
 * `generateKey` keep the rules of `POST /clients`, which checks them.
 */
export const operatorClientRequestSchema = z.looseObject({}, JSON_OBJECT).optional();
export type OperatorClientRequest = Partial<Pick<ClientAddInput, 'name' | 'jwks' | 'generateKey'>>;

/** A client as admins see it; secrets are never part of it. */
export const clientViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(['active', 'disabled']),
    authMethod: clientAuthMethodSchema,
    grantType: grantTypeSchema,
    redirectUris: z.array(z.string()),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
    /** An operator's client of the operator API: its tokens act for this operator only. */
    operatorId: z.string().optional(),
    /** The CAMARA API scopes the app may request; none for a client_credentials client. */
    allowedScopes: z.array(z.string()),
    /** A backend client's JWT-bearer assertions may name a `tel:` subject. */
    trustTelSubject: z.boolean(),
    /** The app's authorization requests must be signed request objects (ICM). */
    requireSignedRequestObject: z.boolean(),
    /** Operator tokens: web origins a Telephony Binding JWT `aud` may name. */
    allowedOrigins: z.array(z.string()),
    /** Operator tokens: APK key hashes (`android:apk-key-hash:<h>`) a Binding JWT `aud` may name. */
    apkKeyHashes: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type ClientView = z.output<typeof clientViewSchema>;

/** What an admin sees once, at creation or rotation: never stored in clear. */
export const clientCredentialsOnceSchema = z
  .object({
    client: clientViewSchema,
    clientSecret: z.string().optional(),
    privateJwk: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type ClientCredentialsOnce = z.output<typeof clientCredentialsOnceSchema>;

function isRedirectUri(value: string): boolean {
  try {
    const u = new URL(value);
    if (u.hash || u.username || u.password) return false;
    if (u.protocol === 'https:') return true;
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}
