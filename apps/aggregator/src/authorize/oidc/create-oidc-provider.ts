import type { RequestListener } from 'node:http';
import { isDatabaseUnavailable } from '@switchboard/db';
import { operatorRoutingClaims, type TokenKeyring } from '@switchboard/tokens';
import type { Logger } from '@switchboard/telco-finder';
import type { OperatorGrant, OperatorGrants } from '../operator-grants.js';
import type { OidcModelStore } from '../store/oidc-model-store.js';
import { createAggregatorPolicy } from './aggregator-policy.js';
import {
  CARRIED_GRANT,
  createInteractionGateway,
  type AuthorizationGateway,
  type StartInteraction,
} from './interaction-gateway.js';
import { dropInteractionCookie, INTERACTION_COOKIE, operatorLegUrl } from './operator-leg-url.js';
import type { createCiba } from '../backend/ciba.js';
import { CIBA_GRANT } from '../grant-types.js';
import { backendDiscovery } from './backend-discovery.js';
import { icmErrorCodes } from './icm-error-codes.js';
import { ignoreAcrValues } from './icm-ignored-parameters.js';
import { createAdapterClass } from './knex-adapter.js';
import { outagePage } from './outage-page.js';
import {
  requestObjectDescriptions,
  requestObjectProfile,
  type SpendRequestObjectId,
} from './request-object-profile.js';
import { pairwiseDiscovery } from './pairwise-discovery.js';
import {
  builtInGrantHandler,
  loadOidcProvider,
  replaceReplayDetection,
  type OidcContext,
  type OidcProvider,
  type OidcProviderModule,
  type OidcToken,
} from './oidc-provider-module.js';
import { appTokenScope } from './scopes.js';
import { assertTokenBudget, type TokenBudget } from './token-budget.js';
import {
  createAuthorizeObservation,
  type AuthorizeObservation,
} from '../../verifications/authorize-observation.js';
import {
  NO_OBSERVER,
  type VerificationObserver,
} from '../../verifications/verification-observer.js';

export interface OidcProviderDeps {
  readonly issuer: string;
  /** Resource indicator and `aud` of AggregatorAccessTokens (CAMARA sends no `resource`). */
  readonly audience: string;
  readonly signingJwk: Record<string, unknown>;
  readonly cookieKeys: string[];
  readonly store: OidcModelStore;
  readonly clientMetadata: (id: string) => Promise<Record<string, unknown> | undefined>;
  /** The CAMARA API scopes an app may request (its admin-set allow-list). */
  readonly allowedApiScopes: (clientId: string) => Promise<readonly string[]>;
  readonly tokenKeyring: () => Promise<TokenKeyring>;
  readonly operatorGrants: OperatorGrants;
  /** ICM strict profile: private_key_jwt only (ICM r4.2 "Client Authentication"). */
  readonly strictProfile: boolean;
  /** Upper bound of an AggregatorAccessToken's lifetime, seconds (≤ 300, NV). */
  readonly accessTokenMaxTtl: number;
  /**
   * The one resource server a client_credentials client reaches: the telco finder API, or
   * for an operator's client the operator API (its tokens then carry `operator_id`).
   */
  readonly machineResource: (clientId: string) => Promise<MachineResource>;
  readonly errorDocument: (error: string, description: string | undefined) => string;
  /** oidc-provider revoked a grant (e.g. its authorization code was used twice). */
  readonly onGrantRevoked?: (grantId: string) => Promise<void>;
  /**
   * The per-client budget of the token endpoint: checked once the client authenticated, and
   * charged when a token was issued (`grant.success`, before the response is sent).
   */
  readonly tokenBudget?: TokenBudget;
  /** CIBA poll mode nested with the subscriber's operator (authorize/backend/ciba.ts). */
  readonly ciba: ReturnType<typeof createCiba>;
  /** ICM: a signed request object's `jti` is single use across processes. */
  readonly spendRequestObjectId: SpendRequestObjectId;
  readonly logger: Logger;
  /**
   * /auth starts the operator leg and sends the browser there (`interactions.url`). Called
   * late: the flow it starts is built on the gateway this provider returns.
   */
  readonly startInteraction: StartInteraction;
  /** The `authorize` and `token` steps of each verification (verification_steps, traces). */
  readonly observer?: VerificationObserver;
}

export interface MachineResource {
  readonly audience: string;
  readonly scope: string;
  /** Seconds. */
  readonly ttl: number;
  /** Extra claims of the client's tokens. */
  readonly claims?: Record<string, unknown>;
}

export interface OidcComponents {
  readonly handler: RequestListener;
  readonly interactions: AuthorizationGateway;
}

/** Seconds. Interactions cover the operator round-trip, consent page included. */
const TTL = { AuthorizationCode: 60, IdToken: 300, Interaction: 600, Session: 600, Grant: 600 };
/** ICM: a private_key_jwt client assertion lives at most 300 s. */
const MAX_ASSERTION_LIFETIME = 300;

export async function createOidcProvider(deps: OidcProviderDeps): Promise<OidcComponents> {
  const oidc = await loadOidcProvider();
  const observation = createAuthorizeObservation(deps.observer ?? NO_OBSERVER);
  const provider = new oidc.Provider(deps.issuer, configuration(oidc, deps, observation));
  provider.use(observation.stamp);
  provider.on('authorization.error', observation.authorizationError);
  provider.use(outagePage(deps.errorDocument));
  provider.use(dropInteractionCookie);
  provider.use(pairwiseDiscovery());
  provider.use(backendDiscovery());
  provider.use(icmErrorCodes());
  provider.use(ignoreAcrValues());
  provider.use(requestObjectDescriptions(deps.issuer));
  provider.registerGrantType(
    CIBA_GRANT,
    deps.ciba.pollingGrant(provider, await builtInGrantHandler(provider, CIBA_GRANT)),
    new Set(['auth_req_id']),
  );
  logProviderEvents(provider, deps.logger);
  const unavailable = temporarilyUnavailable(oidc);
  replaceReplayDetection(provider, (id, payload, ttl) =>
    deps.store.spendOnce('ReplayDetection', id, payload, ttl).catch((err: unknown) => {
      throw isDatabaseUnavailable(err) ? unavailable(err) : err;
    }),
  );
  const onGrantRevoked = deps.onGrantRevoked;
  if (onGrantRevoked)
    provider.on('grant.revoked', (_ctx: unknown, grantId: unknown) => {
      if (typeof grantId !== 'string') return;
      onGrantRevoked(grantId).catch((err: unknown) =>
        deps.logger.warn('revoking the operator grant failed', { error: String(err) }),
      );
    });
  const budget = deps.tokenBudget;
  if (budget)
    provider.on('grant.success', (ctx: unknown) => {
      const client = (ctx as OidcContext).oidc.client;
      if (client) budget.charge(client.clientId);
    });
  return {
    handler: provider.callback(),
    interactions: createInteractionGateway(provider, deps.audience, deps.store),
  };
}

/**
 * The database is down: RFC 6749 §4.1.2.1 `temporarily_unavailable`, so the app is redirected
 * (or the token endpoint answers) with an error it may retry. 503, and still shown to the app.
 */
export function temporarilyUnavailable(oidc: OidcProviderModule) {
  return (cause: unknown): Error =>
    Object.assign(
      new oidc.errors.TemporarilyUnavailable(
        'the service is temporarily unavailable; try again shortly',
        { cause },
      ),
      { status: 503, statusCode: 503, expose: true },
    );
}

function configuration(
  oidc: OidcProviderModule,
  deps: OidcProviderDeps,
  observation: AuthorizeObservation,
): Record<string, unknown> {
  const unavailable = temporarilyUnavailable(oidc);
  const grants = perRequestGrants(deps.operatorGrants, unavailable);
  return {
    adapter: createAdapterClass({
      store: deps.store,
      clientMetadata: deps.clientMetadata,
      unavailable,
      grantLoaded: (grantId, row) => deps.operatorGrants.preload(grantId, row),
    }),
    clientAuthMethods: deps.strictProfile
      ? ['private_key_jwt']
      : ['private_key_jwt', 'client_secret_basic'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
    },
    jwks: { keys: [deps.signingJwk] },
    // Own names: in the demo, operators on the same host use oidc-provider's defaults
    // (cookies are not isolated by port, RFC 6265 §8.5).
    cookies: {
      keys: deps.cookieKeys,
      names: { session: 'sb_session', interaction: INTERACTION_COOKIE, resume: 'sb_resume' },
    },
    responseTypes: ['code'],
    scopes: ['openid'],
    // `sub` is pairwise already (nested flow); discovery says so (pairwise-discovery.ts).
    subjectTypes: ['public'],
    // ICM: the ID token's `amr` shows the network-based authentication the operator did.
    claims: { acr: null, amr: null, auth_time: null, openid: ['sub', 'acr', 'amr', 'auth_time'] },
    pkce: { required: () => true },
    // RFC 9700 §2.1: redirect URIs compare exactly, and are never implied.
    allowOmittingSingleRegisteredRedirectUri: false,
    features: features(oidc, deps, grants),
    interactions: {
      url: operatorLegUrl(oidc, deps.startInteraction, observation, unavailable),
      policy: createAggregatorPolicy(oidc),
    },
    ...hooks(oidc, deps, grants, observation),
    // OIDC CIBA Core §4: the backchannel authentication endpoint, named as in ICM examples.
    routes: { backchannel_authentication: '/bc-authorize' },
    ttl: {
      ...TTL,
      BackchannelAuthenticationRequest: (ctx: object) => deps.ciba.ttl(ctx),
      AccessToken: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
        token.resourceServer?.accessTokenTTL ?? deps.accessTokenMaxTtl,
      ClientCredentials: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
        token.resourceServer?.accessTokenTTL ?? 300,
    },
  };
}

type GrantLoader = (ctx: object, grantId: string) => Promise<OperatorGrant | undefined>;

/** Loads the operator grant once per token request (TTL and claims both need it). */
function perRequestGrants(
  operatorGrants: OperatorGrants,
  unavailable: (cause: unknown) => Error,
): GrantLoader {
  const cache = new WeakMap<object, Promise<OperatorGrant | undefined>>();
  return (ctx, grantId) => {
    let hit = cache.get(ctx);
    if (!hit) {
      hit = operatorGrants.find(grantId).catch((err: unknown) => {
        throw isDatabaseUnavailable(err) ? unavailable(err) : err;
      });
      cache.set(ctx, hit);
    }
    return hit;
  };
}

function hooks(
  oidc: OidcProviderModule,
  deps: OidcProviderDeps,
  grants: GrantLoader,
  observation: AuthorizeObservation,
) {
  return {
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub }),
    }),
    // No refresh tokens: oidc-provider's default issues one only for offline_access, which is not a
    // scope here (overriding it would list refresh_token in discovery). API tokens outlive the
    // browser session they came from.
    expiresWithSession: async () => false,
    // Only the grant the interaction result names (sessions are not stored, knex-adapter.ts),
    // built from the copy the result carries (interaction-gateway.ts) instead of read again.
    loadExistingGrant: async (ctx: OidcContext & { oidc: { provider: OidcProvider } }) => {
      const result = ctx.oidc.result as
        { consent?: { grantId?: string }; [CARRIED_GRANT]?: Record<string, unknown> } | undefined;
      const grantId = result?.consent?.grantId;
      if (!grantId) return undefined;
      const carried = result[CARRIED_GRANT];
      if (carried?.jti === grantId) return ctx.oidc.provider.Grant.instantiate(carried);
      return ctx.oidc.provider.Grant.find(grantId);
    },
    // Annex step 19: the AggregatorAccessToken carries the operator token and the routing.
    extraTokenClaims: async (ctx: object, token: OidcToken) => {
      if (token.kind === 'ClientCredentials')
        return token.clientId ? (await deps.machineResource(token.clientId)).claims : undefined;
      const grant = token.grantId ? await grants(ctx, token.grantId) : undefined;
      if (!grant) throw new oidc.errors.InvalidGrant('the operator grant is gone');
      return {
        ...operatorRoutingClaims(grant),
        ...observation.tokenIssued(ctx, token, grant.operatorId),
      };
    },
    assertJwtClientAuthClaimsAndHeader: async (
      _ctx: unknown,
      claims: { exp?: number; iat?: number },
    ) => {
      const issuedAt = claims.iat ?? Math.floor(Date.now() / 1000);
      if (typeof claims.exp !== 'number' || claims.exp - issuedAt > MAX_ASSERTION_LIFETIME)
        throw new oidc.errors.InvalidClientAuth();
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

function features(oidc: OidcProviderModule, deps: OidcProviderDeps, grants: GrantLoader) {
  return {
    devInteractions: { enabled: false },
    // ICM: signed request objects must be supported, as profiled in request-object-profile.ts;
    // unsigned requests stay accepted unless the client's `require_signed_request_object`.
    requestObjects: {
      enabled: true,
      requireSignedRequestObject: false,
      assertJwtClaimsAndHeader: requestObjectProfile(oidc, deps.spendRequestObjectId),
    },
    // AggregatorAccessTokens are encrypted JWTs: userinfo cannot read them.
    userinfo: { enabled: false },
    rpInitiatedLogout: { enabled: false },
    // GSMA OPG.10: telco finder clients authenticate as themselves, with no user.
    clientCredentials: { enabled: true },
    ciba: deps.ciba.feature,
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx: OidcContext) =>
        isMachineGrant(ctx) && ctx.oidc.client
          ? (await deps.machineResource(ctx.oidc.client.clientId)).audience
          : deps.audience,
      useGrantedResource: async () => true,
      getResourceServerInfo: resourceServerInfo(oidc, deps, grants),
    },
  };
}

/**
 * One resource server per grant: CAMARA for apps' users; for machines, the telco finder or
 * (an operator's client) the operator API.
 */
function resourceServerInfo(oidc: OidcProviderModule, deps: OidcProviderDeps, grants: GrantLoader) {
  return async (ctx: OidcContext, indicator: string, client: { clientId: string }) => {
    assertTokenBudget(oidc, ctx, client.clientId, deps.tokenBudget);
    const machine = isMachineGrant(ctx) ? await deps.machineResource(client.clientId) : undefined;
    // Each grant reaches only its own resource: no CAMARA token without a user, and each
    // machine client only the API it was registered for.
    if (machine ? indicator !== machine.audience : indicator !== deps.audience)
      throw new oidc.errors.InvalidTarget();
    const ring = await deps.tokenKeyring().catch(unavailable(oidc));
    const encrypt = {
      alg: 'dir',
      enc: 'A256GCM',
      key: ring.current.secret,
      kid: ring.current.kid,
    };
    if (machine)
      return {
        scope: machine.scope,
        audience: machine.audience,
        accessTokenFormat: 'jwt',
        accessTokenTTL: machine.ttl,
        jwt: { encrypt },
      };
    const code =
      ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.BackchannelAuthenticationRequest;
    const allowed = await deps.allowedApiScopes(client.clientId).catch(unavailable(oidc));
    // At the authorization and backchannel endpoints (no code or CIBA request yet) a refusal
    // is `invalid_scope`.
    const checked = appTokenScope(code?.scope ?? ctx.oidc.params?.scope ?? '', allowed, !code);
    if ('refusal' in checked) throw new oidc.errors.InvalidScope(checked.refusal);
    return {
      // oidc-provider keeps of this list what was requested.
      scope: checked.scope,
      audience: deps.audience,
      accessTokenFormat: 'jwt',
      accessTokenTTL: code?.grantId
        ? await ttlFor(oidc, deps, await grants(ctx, code.grantId))
        : deps.accessTokenMaxTtl,
      jwt: { encrypt },
    };
  };
}

const isMachineGrant = (ctx: OidcContext) => ctx.oidc.params?.grant_type === 'client_credentials';

/** A database outage becomes RFC 6749 `temporarily_unavailable`; anything else is rethrown. */
const unavailable = (oidc: OidcProviderModule) => (err: unknown) => {
  throw isDatabaseUnavailable(err) ? temporarilyUnavailable(oidc)(err) : err;
};

/** exp = min(operator token expiry, the configured maximum). */
async function ttlFor(
  oidc: OidcProviderModule,
  deps: OidcProviderDeps,
  grant: OperatorGrant | undefined,
): Promise<number> {
  if (!grant) throw new oidc.errors.InvalidGrant('the operator grant is gone');
  const left = Math.floor((grant.expiresAt.getTime() - Date.now()) / 1000);
  if (left < 1) throw new oidc.errors.InvalidGrant('the operator access token has expired');
  return Math.min(left, deps.accessTokenMaxTtl);
}

function logProviderEvents(
  provider: { on(event: string, listener: (...args: unknown[]) => void): void },
  logger: Logger,
): void {
  const describe = (err: unknown) => {
    const e = err as { error?: string; error_description?: string; message?: string };
    return { error: e.error ?? 'server_error', description: e.error_description ?? e.message };
  };
  for (const event of ['authorization.error', 'grant.error'])
    provider.on(event, (_ctx, err) => logger.warn(`oidc ${event}`, describe(err)));
  provider.on('server_error', (_ctx, err) =>
    logger.error('oidc server error', { error: (err as Error).message }),
  );
}
