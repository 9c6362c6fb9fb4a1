import { z } from 'zod';
import { JSON_OBJECT } from './field-rules.js';

// Admin API `/admin/v1/keys…`: the aggregator's own keys and the master key that seals secrets.

/** What each key is for: AggregatorAccessToken encryption (rotated by `kid`), the rest at boot. */
export const keyUseSchema = z.enum(['token-encryption', 'id-token-signing', 'cookie', 'pairwise']);
export type KeyUse = z.output<typeof keyUseSchema>;

/** `GET /keys`, `POST /keys/rotate`, `POST /keys/{kid}/retire`: never the key material. */
export const keyViewSchema = z
  .object({
    kid: z.string(),
    use: keyUseSchema,
    status: z.enum(['active', 'retired']),
    createdAt: z.string(),
    retiredAt: z.string().nullable(),
  })
  .strict();
export type KeyView = z.output<typeof keyViewSchema>;

export const MAX_ROTATION_BATCH = 10_000;
const BATCH = { error: `batchSize must be an integer from 1 to ${MAX_ROTATION_BATCH}` };

/** `POST /keys/rotate-master`: rows per transaction (default 100); no body is the default. */
export const rotateMasterRequestSchema = z
  .object(
    {
      batchSize: z.number(BATCH).int(BATCH).min(1, BATCH).max(MAX_ROTATION_BATCH, BATCH).optional(),
    },
    JSON_OBJECT,
  )
  .optional();
export type RotateMasterRequest = z.input<typeof rotateMasterRequestSchema>;

/**
 * `POST /keys/{kid}/retire`: `force` retires a key although tokens encrypted with it may still be
 * in use (within ACCESS_TOKEN_MAX_TTL of its replacement); no body is `force: false`.
 */
export const retireKeyRequestSchema = z
  .object({ force: z.boolean('force: must be true or false').optional() }, JSON_OBJECT)
  .optional();
export type RetireKeyRequest = z.input<typeof retireKeyRequestSchema>;

export const sealedColumnReportSchema = z
  .object({
    table: z.string(),
    column: z.string(),
    scanned: z.number(),
    resealed: z.number(),
    /** Row keys that could not be opened with any configured master key. */
    failed: z.array(z.string()),
  })
  .strict();
export type SealedColumnReport = z.output<typeof sealedColumnReportSchema>;

export const masterKeyRotationReportSchema = z
  .object({
    /** The master key every value is now sealed under (a public fingerprint). */
    masterKeyId: z.string(),
    columns: z.array(sealedColumnReportSchema),
  })
  .strict();
export type MasterKeyRotationReport = z.output<typeof masterKeyRotationReportSchema>;

/** One certificate of the aggregator's OpenID4VP chain (never the private key). */
export const openId4VpCertificateViewSchema = z
  .object({
    kid: z.string(),
    /** SHA-256 of the certificate's DER, lowercase hex (Google's allowlist holds the root's). */
    fingerprint: z.string(),
    notAfter: z.string(),
    createdAt: z.string(),
  })
  .strict();

/** `GET /keys/openid4vp`, `POST /keys/openid4vp/rotate`: the chain that signs new requests. */
export const openId4VpKeyViewSchema = z
  .object({
    root: openId4VpCertificateViewSchema,
    leaf: openId4VpCertificateViewSchema,
    /** `[leaf, root]`, standard base64 DER, as in each credential_authorization_jwt. */
    x5c: z.array(z.string()),
  })
  .strict();
export type OpenId4VpKeyView = z.output<typeof openId4VpKeyViewSchema>;

/** `POST /keys/openid4vp/rotate`: a new leaf; `root: true` a new root too. No body: a leaf. */
export const rotateOpenId4VpRequestSchema = z
  .object({ root: z.boolean('root: must be true or false').optional() }, JSON_OBJECT)
  .optional();
export type RotateOpenId4VpRequest = z.input<typeof rotateOpenId4VpRequestSchema>;
