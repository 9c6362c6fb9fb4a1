import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { z } from 'zod';
import {
  clientAddSchema,
  clientUpdateSchema,
  type ClientAdd,
  type ClientCredentialsOnce,
  type ClientView,
  type GrantType,
  OPERATOR_TOKEN_BACKEND_ONLY,
} from '@switchboard/contracts';
import { ConflictError, InputError, NotFoundError } from '@switchboard/telco-finder';
import type { SecretBox } from '@switchboard/tokens';
import { isDatabaseUnavailable } from '@switchboard/db';
import { DEFAULT_ALLOWED_SCOPES } from './client-scopes.js';
import { ttlCached } from '../infra/ttl-cache.js';
import {
  deleteClientRow,
  getClientRow,
  insertClientRow,
  listClientRows,
  updateClientRow,
  type ClientRow,
} from './store/client-store.js';

export interface ClientService {
  add(input: unknown): Promise<ClientCredentialsOnce>;
  list(): Promise<ClientView[]>;
  get(id: string): Promise<ClientView>;
  update(id: string, patch: unknown): Promise<ClientView>;
  rotateSecret(id: string): Promise<ClientCredentialsOnce>;
  setStatus(id: string, status: 'active' | 'disabled'): Promise<ClientView>;
  remove(id: string): Promise<void>;
  /** oidc-provider client metadata of an active client, else undefined. */
  metadata(id: string): Promise<Record<string, unknown> | undefined>;
  /** The operator an active client acts for (operator API clients), else undefined. */
  operatorOf(id: string): Promise<string | undefined>;
  /** The CAMARA API scopes an active client may request ([] for an unknown one). */
  allowedScopes(id: string): Promise<readonly string[]>;
  /** An active backend client (ICM CIBA and JWT-bearer), else undefined. */
  backendClient(id: string): Promise<BackendClient | undefined>;
}

/** What the JWT-bearer grant needs of a backend client. */
export interface BackendClient {
  readonly id: string;
  /** The app's name, shown to the user in the operator-token consent text. */
  readonly name: string;
  readonly jwks: { keys: Array<Record<string, unknown>> };
  readonly trustTelSubject: boolean;
  readonly allowedScopes: readonly string[];
  /** Web origins a Telephony Binding JWT `aud` may name (operator tokens). */
  readonly allowedOrigins: readonly string[];
  /** APK key hashes: a Binding JWT `aud` may be `android:apk-key-hash:<h>` for each. */
  readonly apkKeyHashes: readonly string[];
}

/** Other processes see a disabled client or a new secret within this time. */
const METADATA_TTL_MS = 2_000;

/**
 * ICM r4.2 "Client Authentication" (IdentityAndConsentManagement,
 * documentation/CAMARA-Security-Interoperability.md): the API consumer MUST authenticate with
 * private_key_jwt. Under the strict profile (ICM_STRICT_PROFILE) secret clients are refused.
 */
export const STRICT_PROFILE_REFUSAL =
  'the ICM strict profile (ICM_STRICT_PROFILE) allows only private_key_jwt client authentication, not client_secret_basic';

/** The secret-box context (AAD) of a client's secret. */
export const clientSecretContext = (id: string) => `client-secret:${id}`;

export function createClientService(deps: {
  knex: Knex;
  secretBox: SecretBox;
  /** ICM strict profile: no new secret clients, and existing ones cannot authenticate. */
  strictProfile?: boolean;
}): ClientService {
  const { knex, secretBox } = deps;
  const strict = deps.strictProfile ?? false;
  const context = clientSecretContext;

  // Every step of a flow looks the client up; admin changes here clear the cache at once.
  // While the database is down the last known row is kept, so an authorization request can
  // still be answered with a redirect (`temporarily_unavailable`) to the app's own URI.
  const activeRow = ttlCached(
    METADATA_TTL_MS,
    async (id) => {
      const row = await getClientRow(knex, id);
      return row && row.status === 'active' ? row : undefined;
    },
    { staleOnError: isDatabaseUnavailable },
  );
  const metadata = async (id: string) => {
    const row = await activeRow(id);
    // Strict profile: a secret client is unknown to oidc-provider (401 invalid_client).
    if (!row || (strict && row.auth_method === 'client_secret_basic')) return undefined;
    return toMetadata(row, row.secret_enc ? secretBox.open(row.secret_enc, context(id)) : null);
  };

  async function mustGet(id: string): Promise<ClientRow> {
    activeRow.clear();
    const row = await getClientRow(knex, id);
    if (!row) throw new NotFoundError(`unknown client '${id}'`);
    return row;
  }

  return {
    async add(raw) {
      const input = parse(clientAddSchema, raw);
      if (strict && input.authMethod === 'client_secret_basic')
        throw new InputError(`invalid client: authMethod: ${STRICT_PROFILE_REFUSAL}`);
      const id = `sb-${randomBytes(12).toString('base64url')}`;
      const once = await credentialsFor(input);
      await insertClientRow(knex, {
        id,
        name: input.name,
        auth_method: input.authMethod,
        redirect_uris: input.redirectUris,
        jwks: once.jwks ?? null,
        secret_enc: once.clientSecret ? secretBox.seal(once.clientSecret, context(id)) : null,
        operator_id: input.operatorId ?? null,
        allowed_scopes: allowedScopesFor(input),
        backend: input.grantType === 'backend',
        trust_tel_subject: input.trustTelSubject,
        require_signed_request_object: input.requireSignedRequestObject,
        allowed_origins: input.allowedOrigins,
        apk_key_hashes: input.apkKeyHashes,
      });
      return { client: toView(await mustGet(id)), ...withoutJwks(once) };
    },
    list: async () => (await listClientRows(knex)).map(toView),
    get: async (id) => toView(await mustGet(id)),
    async update(id, raw) {
      const patch = parse(clientUpdateSchema, raw);
      const row = await mustGet(id);
      if (patch.redirectUris && grantTypeOf(row) === 'client_credentials')
        throw new ConflictError(
          'incompatible-state',
          `client '${id}' uses client_credentials: it has no redirect URIs`,
        );
      if (patch.jwks && row.auth_method !== 'private_key_jwt')
        throw new ConflictError(
          'incompatible-state',
          `client '${id}' authenticates with a secret, not keys`,
        );
      if (patch.allowedScopes && grantTypeOf(row) === 'client_credentials')
        throw new ConflictError(
          'incompatible-state',
          `client '${id}' uses client_credentials: it has no API scopes`,
        );
      if (patch.trustTelSubject !== undefined && !row.backend)
        throw new ConflictError(
          'incompatible-state',
          `client '${id}' is not a backend client: it sends no assertions`,
        );
      if (
        patch.requireSignedRequestObject &&
        (grantTypeOf(row) !== 'authorization_code' || row.auth_method !== 'private_key_jwt')
      )
        throw new ConflictError(
          'incompatible-state',
          `client '${id}' is not an authorization_code client with keys: it signs no request objects`,
        );
      if (!row.backend && (patch.allowedOrigins?.length || patch.apkKeyHashes?.length))
        throw new ConflictError(
          'incompatible-state',
          `client '${id}' is not a backend client: ${OPERATOR_TOKEN_BACKEND_ONLY}`,
        );
      await updateClientRow(knex, id, {
        ...(patch.name ? { name: patch.name } : {}),
        ...(patch.redirectUris ? { redirect_uris: patch.redirectUris } : {}),
        ...(patch.jwks ? { jwks: patch.jwks } : {}),
        ...(patch.allowedScopes ? { allowed_scopes: patch.allowedScopes } : {}),
        ...(patch.trustTelSubject !== undefined
          ? { trust_tel_subject: patch.trustTelSubject }
          : {}),
        ...(patch.requireSignedRequestObject !== undefined
          ? { require_signed_request_object: patch.requireSignedRequestObject }
          : {}),
        ...(patch.allowedOrigins ? { allowed_origins: patch.allowedOrigins } : {}),
        ...(patch.apkKeyHashes ? { apk_key_hashes: patch.apkKeyHashes } : {}),
      });
      return toView(await mustGet(id));
    },
    async rotateSecret(id) {
      const row = await mustGet(id);
      if (row.auth_method !== 'client_secret_basic')
        throw new ConflictError(
          'incompatible-state',
          `client '${id}' uses private_key_jwt: update its keys instead`,
        );
      if (strict)
        throw new ConflictError('incompatible-state', `client '${id}': ${STRICT_PROFILE_REFUSAL}`);
      const clientSecret = newSecret();
      await updateClientRow(knex, id, { secret_enc: secretBox.seal(clientSecret, context(id)) });
      return { client: toView(await mustGet(id)), clientSecret };
    },
    async setStatus(id, status) {
      await mustGet(id);
      await updateClientRow(knex, id, { status });
      return toView(await mustGet(id));
    },
    async remove(id) {
      await mustGet(id);
      await deleteClientRow(knex, id);
    },
    metadata,
    operatorOf: async (id) => (await activeRow(id))?.operator_id ?? undefined,
    allowedScopes: async (id) => (await activeRow(id))?.allowed_scopes ?? [],
    async backendClient(id) {
      const row = await activeRow(id);
      if (!row?.backend || !row.jwks) return undefined;
      return {
        id,
        name: row.name,
        jwks: row.jwks,
        trustTelSubject: row.trust_tel_subject,
        allowedScopes: row.allowed_scopes,
        allowedOrigins: row.allowed_origins,
        apkKeyHashes: row.apk_key_hashes,
      };
    },
  };
}

/** An app gets what the admin gave, else the least-privilege default; a machine client none. */
const allowedScopesFor = (input: ClientAdd): string[] =>
  input.grantType === 'client_credentials'
    ? []
    : [...(input.allowedScopes ?? DEFAULT_ALLOWED_SCOPES)];

async function credentialsFor(
  input: ClientAdd,
): Promise<{ jwks?: ClientRow['jwks']; clientSecret?: string; privateJwk?: JWK }> {
  if (input.authMethod === 'client_secret_basic') {
    if (input.jwks || input.generateKey)
      throw new InputError('a client_secret_basic client takes no keys');
    return { clientSecret: newSecret() };
  }
  if (input.jwks && input.generateKey) throw new InputError('give jwks or generateKey, not both');
  if (input.jwks) return { jwks: input.jwks };
  if (!input.generateKey)
    throw new InputError('a private_key_jwt client needs jwks (public keys) or generateKey');
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const meta = { kid, alg: 'ES256', use: 'sig' };
  return {
    jwks: { keys: [{ ...pub, ...meta }] },
    privateJwk: { ...(await exportJWK(privateKey)), ...meta },
  };
}

function withoutJwks(once: { clientSecret?: string; privateJwk?: JWK }) {
  return {
    ...(once.clientSecret ? { clientSecret: once.clientSecret } : {}),
    ...(once.privateJwk ? { privateJwk: once.privateJwk } : {}),
  };
}

const newSecret = () => `sbsec_${randomBytes(32).toString('base64url')}`;

const grantTypeOf = (row: ClientRow): GrantType =>
  row.backend
    ? 'backend'
    : row.redirect_uris.length > 0
      ? 'authorization_code'
      : 'client_credentials';

/** CIBA's grant (OIDC CIBA Core §10.1); JWT-bearer is served in front of oidc-provider. */
export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

function toMetadata(row: ClientRow, secret: string | null): Record<string, unknown> {
  const grant = grantTypeOf(row);
  const code = grant === 'authorization_code';
  return {
    client_id: row.id,
    client_name: row.name,
    redirect_uris: row.redirect_uris,
    // A backend client also gets client_credentials, for its /openid4vp/credentials token
    // (the operator-token path, docs/operator-token.md).
    grant_types: grant === 'backend' ? [CIBA_GRANT_TYPE, 'client_credentials'] : [grant],
    response_types: code ? ['code'] : [],
    // ICM: CIBA in poll mode only.
    ...(grant === 'backend' ? { backchannel_token_delivery_mode: 'poll' } : {}),
    token_endpoint_auth_method: row.auth_method,
    ...(secret ? { client_secret: secret } : {}),
    // Public keys for client assertions and signed request objects (ICM).
    ...(row.jwks ? { jwks: row.jwks } : {}),
    // ICM "Signed Authentication Requests": oidc-provider refuses an unsigned request.
    require_signed_request_object: row.require_signed_request_object,
  };
}

function toView(row: ClientRow): ClientView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    authMethod: row.auth_method,
    grantType: grantTypeOf(row),
    redirectUris: row.redirect_uris,
    ...(row.jwks ? { jwks: row.jwks } : {}),
    ...(row.operator_id ? { operatorId: row.operator_id } : {}),
    allowedScopes: row.allowed_scopes,
    trustTelSubject: row.trust_tel_subject,
    requireSignedRequestObject: row.require_signed_request_object,
    allowedOrigins: row.allowed_origins,
    apkKeyHashes: row.apk_key_hashes,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  throw new InputError(`invalid client: ${details[0]!.field}: ${details[0]!.message}`, details);
}
