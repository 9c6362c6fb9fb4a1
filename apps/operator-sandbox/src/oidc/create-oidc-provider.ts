import type { RequestListener } from 'node:http';
import type { AccessTokenMinter } from '../backchannel/jwt-bearer-grant.js';
import {
  createPendingConsentRequests,
  type BackchannelDecisions,
} from '../backchannel/pending-consent-requests.js';
import { createPollLedger } from '../backchannel/poll-ledger.js';
import { JWT_BEARER_GRANT, type SandboxInstanceConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { AccessTokenReader, GrantRevoker } from '../services/access-token-reader.js';
import type { ConsentService } from '../services/consent-service.js';
import type { NetworkIdentifier } from '../services/network-identifier.js';
import type { PurposePolicy } from '../services/purpose-policy.js';
import { createAccessTokenReader, createGrantRevoker } from './access-token-store.js';
import { accountEntity, createAuthorizationPolicy } from './authorization-policy.js';
import { cibaFeature, createBackchannelDecisions, pollCheck, type CibaDeps } from './ciba.js';
import { wrapCibaGrant } from './ciba-grant-internals.js';
import { toClientMetadata } from './client-metadata.js';
import { createInteractionGateway, type InteractionGateway } from './interaction-gateway.js';
import { icmAmendments } from './icm-amendments.js';
import { createMemoryAdapter } from './memory-adapter.js';
import { createAccessTokenMinter } from './token-minter.js';
import {
  loadOidcProvider,
  type OidcContext,
  type OidcProvider,
  type OidcProviderModule,
} from './oidc-provider-module.js';

export interface OidcProviderDeps {
  readonly issuer: string;
  readonly instance: SandboxInstanceConfig;
  readonly signingKey: Record<string, unknown>;
  readonly cookieKey: string;
  readonly network: NetworkIdentifier;
  readonly purposes: PurposePolicy;
  readonly consents: ConsentService;
  readonly knowsAccount: (accountId: string) => boolean;
  /** HTML for OAuth errors that cannot be redirected to the client. */
  readonly errorDocument: (error: string, description: string | undefined) => string;
  readonly logger: Logger;
}

export interface OidcComponents {
  /** Node request listener serving discovery, JWKS, /auth, /token, /token/revocation… */
  readonly handler: RequestListener;
  readonly interactions: InteractionGateway;
  readonly tokens: AccessTokenReader;
  readonly grants: GrantRevoker;
  /** The NV API's resource indicator, the audience of its access tokens. */
  readonly resource: string;
  /** The subscriber's answers to CIBA requests waiting for consent. */
  readonly backchannel: BackchannelDecisions;
  /** Access tokens for the JWT-bearer grant, answered in front of the provider. */
  readonly minter: AccessTokenMinter;
  /** CIBA requests whose `openid` scope the HTTP layer added (ICM: openid is optional). */
  readonly impliedOpenid: WeakSet<object>;
}

/** The ID token says how the subscriber was authenticated (ICM: `amr` shows network auth). */
const ID_TOKEN_CLAIMS = {
  acr: null,
  amr: null,
  auth_time: null,
  iss: null,
  sid: null,
  openid: ['sub', 'acr', 'amr', 'auth_time'],
};

/** Seconds; access token lifetimes come from the instance config (≤ 300 s, NV). */
const TTL = { AuthorizationCode: 60, IdToken: 300, Interaction: 600, Session: 3600, Grant: 3600 };

/** ICM: a private_key_jwt client assertion lives at most 300 s. */
const MAX_ASSERTION_LIFETIME = 300;

export async function createOidcProvider(deps: OidcProviderDeps): Promise<OidcComponents> {
  const oidc = await loadOidcProvider();
  const resource = `${deps.issuer}/number-verification`;
  const ciba = cibaDeps(oidc, deps, resource);
  const provider = new oidc.Provider(deps.issuer, configuration(oidc, deps, resource, ciba));
  await wrapCibaGrant(provider, pollCheck(ciba));
  // Known to discovery and to client metadata; its requests are answered in front of the
  // provider (http/backend-endpoints-router.ts), so this handler is never reached.
  provider.registerGrantType(JWT_BEARER_GRANT, async () => {
    throw new oidc.errors.UnsupportedGrantType();
  });
  provider.use(icmAmendments);
  logProviderEvents(provider, deps.logger);
  await validateClients(provider, deps.instance);
  return {
    handler: provider.callback(),
    interactions: createInteractionGateway(provider),
    tokens: createAccessTokenReader(provider, resource),
    grants: createGrantRevoker(provider),
    resource,
    backchannel: createBackchannelDecisions(provider, ciba),
    minter: createAccessTokenMinter(
      provider,
      resource,
      () => deps.purposes.resourceScopes(),
      deps.instance.accessTokenTtlSeconds,
    ),
    impliedOpenid: ciba.impliedOpenid,
  };
}

function cibaDeps(oidc: OidcProviderModule, deps: OidcProviderDeps, resource: string): CibaDeps {
  const { intervalSeconds, requestTtlSeconds } = deps.instance.backchannel;
  return {
    oidc,
    intervalSeconds,
    requestTtlSeconds,
    purposes: deps.purposes,
    consents: deps.consents,
    network: deps.network,
    pending: createPendingConsentRequests(),
    ledger: createPollLedger(intervalSeconds),
    resource,
    impliedOpenid: new WeakSet(),
    logger: deps.logger,
  };
}

function configuration(
  oidc: OidcProviderModule,
  deps: OidcProviderDeps,
  resource: string,
  ciba: CibaDeps,
): Record<string, unknown> {
  const ttl = deps.instance.accessTokenTtlSeconds;
  return {
    // Registered clients come from the adapter rather than the static `clients` option,
    // whose structuredClone breaks inline JWKS under Jest's cross-realm globals.
    adapter: createMemoryAdapter(deps.instance.clients.map(toClientMetadata)),
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
    },
    jwks: { keys: [deps.signingKey] },
    cookies: { keys: [deps.cookieKey] },
    responseTypes: ['code'],
    scopes: ['openid'],
    claims: ID_TOKEN_CLAIMS,
    pkce: { required: () => true },
    features: { ...features(oidc, deps, resource, ttl), ciba: cibaFeature(ciba) },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      policy: createAuthorizationPolicy({
        oidc,
        network: deps.network,
        purposes: deps.purposes,
        consents: deps.consents,
        resource,
      }),
    },
    ...hooks(oidc, deps),
    ttl: {
      ...TTL,
      AccessToken: ttl,
      ClientCredentials: ttl,
      // ICM ignores requested_expiry: every CIBA request lives the configured time.
      BackchannelAuthenticationRequest: deps.instance.backchannel.requestTtlSeconds,
    },
  };
}

/** Behaviour hooks: accounts, token rules (NV), client assertion rules (ICM), error page. */
function hooks(oidc: OidcProviderModule, deps: OidcProviderDeps): Record<string, unknown> {
  return {
    findAccount: async (_ctx: unknown, sub: string) =>
      deps.knowsAccount(sub) ? accountEntity(sub) : undefined,
    // NV: no refresh tokens, and API tokens outlive the browser session they came from.
    issueRefreshToken: async () => false,
    expiresWithSession: async () => false,
    // No context for tokens minted outside a provider request (the JWT-bearer grant): those
    // carry their own `extra` (the `amr` of an operator-token subject, oidc/token-minter.ts).
    extraTokenClaims: async (ctx: OidcContext | undefined, token: { extra?: unknown }) => {
      const amr = ctx?.oidc.entities.AuthorizationCode?.amr;
      return amr ? { amr } : token.extra;
    },
    assertJwtClientAuthClaimsAndHeader: async (
      _ctx: unknown,
      claims: { exp?: number; iat?: number },
    ) => {
      const issuedAt = claims.iat ?? Math.floor(Date.now() / 1000);
      if (typeof claims.exp !== 'number' || claims.exp - issuedAt > MAX_ASSERTION_LIFETIME) {
        throw new oidc.errors.InvalidClientAuth();
      }
    },
    renderError: async (
      ctx: { type: string; body: unknown },
      out: { error: string; error_description?: string },
    ) => {
      ctx.type = 'html';
      ctx.body = deps.errorDocument(out.error, out.error_description);
    },
  };
}

/** Fails at boot, naming the client, when a configured client's metadata is invalid. */
async function validateClients(
  provider: OidcProvider,
  instance: SandboxInstanceConfig,
): Promise<void> {
  for (const { clientId } of instance.clients) {
    try {
      if (!(await provider.Client.find(clientId))) throw new Error('not found');
    } catch (err) {
      const e = err as { error_description?: string; message?: string };
      throw new Error(
        `instance ${instance.id}: client ${clientId} is invalid: ${e.error_description ?? e.message}`,
      );
    }
  }
}

function features(oidc: OidcProviderModule, deps: OidcProviderDeps, resource: string, ttl: number) {
  return {
    devInteractions: { enabled: false },
    // ICM: signed request objects must be supported (unsigned ones stay accepted).
    requestObjects: { enabled: true, requireSignedRequestObject: false },
    clientCredentials: { enabled: true },
    revocation: {
      enabled: true,
      // RFC 7009 §2.1: a client revokes only tokens issued to it. This is oidc-provider's
      // default, stated here because the library asks every deployment to decide it.
      allowedPolicy: async (
        _ctx: unknown,
        client: { clientId: string; clientAuthMethod: string },
        token: { clientId?: string },
      ) => {
        if (token.clientId === client.clientId) return true;
        if (client.clientAuthMethod === 'none') return false;
        throw new oidc.errors.InvalidRequest(
          'client is not authorized to revoke the presented token',
        );
      },
    },
    rpInitiatedLogout: { enabled: false },
    resourceIndicators: {
      enabled: true,
      // CAMARA clients send no `resource`: every token is for the NV API.
      defaultResource: async () => resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
        if (indicator !== resource) throw new oidc.errors.InvalidTarget();
        return {
          scope: deps.purposes.resourceScopes().join(' '),
          audience: resource,
          accessTokenTTL: ttl,
          accessTokenFormat: 'opaque',
        };
      },
    },
  };
}

function logProviderEvents(
  provider: { on(event: string, listener: (...args: unknown[]) => void): void },
  logger: Logger,
): void {
  const describe = (err: unknown) => {
    const e = err as { error?: string; error_description?: string; message?: string };
    return { error: e.error ?? 'server_error', description: e.error_description ?? e.message };
  };
  for (const event of [
    'authorization.error',
    'grant.error',
    'revocation.error',
    'backchannel.error',
  ]) {
    provider.on(event, (_ctx, err) => logger.warn(`oidc ${event}`, describe(err)));
  }
  provider.on('server_error', (_ctx, err) =>
    logger.error('oidc server error', { error: (err as Error).message }),
  );
  provider.on('grant.success', (ctx) => {
    const clientId = (ctx as { oidc?: { client?: { clientId?: string } } }).oidc?.client?.clientId;
    logger.info('token issued', { clientId });
  });
}
