import { SCOPE_STYLES } from '@switchboard/camara';
import { z } from 'zod';
import { displayNameSchema, endpointUrlSchema, OPERATOR_ID } from './field-rules.js';
import { privateJwkSchema } from './jwk-rules.js';
import { carrierIdsSchema, OPERATOR_TOKEN_NEEDS_CARRIER_IDS } from './operator-token-rules.js';

// Admin API `/admin/v1/operators…` and operator API `/operators/v1/operators/{id}`: an
// operator as admins register it and as both read it back.

/** Token endpoint authentication (RFC 7591 §2 `token_endpoint_auth_method`; ICM: private_key_jwt). */
export const clientAuthMethodSchema = z.enum(['private_key_jwt', 'client_secret_basic']);
export type ClientAuthMethod = z.output<typeof clientAuthMethodSchema>;

/** `camara`: `dpv:X number-verification:verify`; `dpv-hash`: `dpv:X#number-verification-verify-read`. */
export const scopeStyleSchema = z.enum(SCOPE_STYLES);
export const operatorStatusSchema = z.enum(['active', 'disabled']);
export type OperatorStatus = z.output<typeof operatorStatusSchema>;

/** The client_id Switchboard uses at an operator: RFC 6749 VSCHAR (printable ASCII). */
const operatorClientIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII (RFC 6749 client_id)');

/** What Switchboard presents at the operator's token endpoint (sealed at rest, never shown). */
export const credentialsSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('client_secret_basic'), clientSecret: z.string().min(8).max(512) }),
  z.object({ method: z.literal('private_key_jwt'), privateJwk: privateJwkSchema }),
]);
export type OperatorCredentials = z.output<typeof credentialsSchema>;

/**
 * CAMARA APIs and versions the operator offers, enforced by the proxy and the authorization
 * (an empty list: Number Verification only; `offersApi` in @switchboard/camara).
 */
export const supportedApiSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a CAMARA API name such as number-verification'),
    versions: z
      .array(z.string().regex(/^v[0-9]+(\.[0-9]+){0,2}(-[a-z0-9.]+)?$/, 'a version such as v2'))
      .min(1)
      .max(20),
  })
  .strict();
export type SupportedApi = z.output<typeof supportedApiSchema>;
export const supportedApisSchema = z.array(supportedApiSchema).max(100);

// Field rules without defaults: an update must only carry what the caller sent (zod 4 applies
// `.default()` even inside `.partial()`, which would silently reset fields).
const operatorFields = {
  id: z.string().regex(OPERATOR_ID, 'lower-case letters, digits and dashes, 2–63 characters'),
  name: displayNameSchema,
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'ISO 3166-1 alpha-2 code such as ES')
    .transform((c) => c.toUpperCase()),
  issuerUrl: endpointUrlSchema,
  apiRoot: endpointUrlSchema,
  clientId: operatorClientIdSchema,
  credentials: credentialsSchema,
  scopeStyle: scopeStyleSchema,
  allowInsecureHttp: z.boolean(),
  status: operatorStatusSchema,
  /** GSMA OPG.10 `GET /telco-routing/v1/routing` Switchboard polls, when the operator publishes one. */
  routingUrl: endpointUrlSchema.nullable(),
  supportedApis: supportedApisSchema,
  /** The Android carrier ids of the operator's SIMs (the operator-token path's eligibility). */
  carrierIds: carrierIdsSchema,
  /** The operator accepts `sub=operatortoken:<temp_token>` JWT-bearer grants (TS.43). */
  operatorToken: z.boolean(),
};

/** `POST /operators`. */
export const operatorInputSchema = z
  .object({
    ...operatorFields,
    scopeStyle: operatorFields.scopeStyle.default('camara'),
    allowInsecureHttp: operatorFields.allowInsecureHttp.default(false),
    status: operatorFields.status.default('active'),
    routingUrl: operatorFields.routingUrl.default(null),
    supportedApis: operatorFields.supportedApis.default([]),
    carrierIds: operatorFields.carrierIds.default([]),
    operatorToken: operatorFields.operatorToken.default(false),
  })
  .strict()
  .refine((o) => !o.operatorToken || o.carrierIds.length > 0, {
    path: ['operatorToken'],
    message: OPERATOR_TOKEN_NEEDS_CARRIER_IDS,
  });
export type OperatorInput = z.input<typeof operatorInputSchema>;

const { id: _id, ...updatable } = operatorFields;

/** `PATCH /operators/{id}`: any field but the id. */
export const operatorUpdateSchema = z.object(updatable).partial().strict();
export type OperatorUpdate = z.input<typeof operatorUpdateSchema>;

/**
 * Operator API `PATCH /operators/v1/operators/{id}`: what an operator may change itself, with
 * the admin fields' rules; status, country and "insecure" stay with admins. Its Android carrier
 * ids and whether it offers operator tokens are the operator's own product.
 */
export const operatorProfileUpdateSchema = operatorUpdateSchema.pick({
  name: true,
  issuerUrl: true,
  apiRoot: true,
  scopeStyle: true,
  supportedApis: true,
  clientId: true,
  credentials: true,
  routingUrl: true,
  carrierIds: true,
  operatorToken: true,
});
export type OperatorProfileUpdate = z.input<typeof operatorProfileUpdateSchema>;

const { credentials: _credentials, ...shown } = operatorFields;

/** An operator as the rest of Switchboard sees it; credentials are never part of it. */
export const operatorSchema = z
  .object({
    ...shown,
    clientAuthMethod: clientAuthMethodSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type Operator = z.output<typeof operatorSchema>;

/** The last GSMA routing-table sync of one operator, as admins and operators see it. */
export const routingSyncStateSchema = z
  .object({
    status: z.enum(['ok', 'failed']),
    lastAttemptAt: z.string(),
    lastSuccessAt: z.string().nullable(),
    /** Why the last attempt failed (the last good table stays in force). */
    lastError: z.string().nullable(),
    consecutiveFailures: z.number(),
    /** The difference the last successful sync applied. */
    lastChange: z.unknown(),
    nextDueAt: z.string(),
  })
  .strict();
export type RoutingSyncState = z.output<typeof routingSyncStateSchema>;

/** `GET /operators/{id}`: the operator, how many routes it has, its last routing sync. */
export const operatorDetailsSchema = operatorSchema.extend({
  routes: z.object({ ranges: z.number(), prefixes: z.number(), networks: z.number() }).strict(),
  /** The last GSMA routing-table sync, when the operator has a routing URL. */
  routingSync: routingSyncStateSchema.nullable(),
});
export type OperatorDetails = z.output<typeof operatorDetailsSchema>;

/** Operator API: an operator's own view of itself, never its credentials nor admin-only switches. */
export const operatorProfileSchema = operatorDetailsSchema.omit({ allowInsecureHttp: true });
export type OperatorProfile = z.output<typeof operatorProfileSchema>;

/**
 * `GET /operators/{id}/capabilities`: the backend flows an operator's discovery document
 * offers (CAMARA ICM r4.2): CIBA in poll mode, and the JWT-bearer grant (RFC 7523).
 */
export const operatorCapabilitiesSchema = z
  .object({ ciba: z.boolean(), jwtBearer: z.boolean() })
  .strict();
export type OperatorCapabilities = z.output<typeof operatorCapabilitiesSchema>;
