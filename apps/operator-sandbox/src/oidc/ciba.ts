import type {
  BackchannelDecisions,
  PendingConsentRequests,
} from '../backchannel/pending-consent-requests.js';
import type { PollLedger } from '../backchannel/poll-ledger.js';
import type { Logger } from '../logger.js';
import type { ConsentService } from '../services/consent-service.js';
import { parseSubscriberHint } from '../services/login-hint.js';
import type { NetworkIdentifier } from '../services/network-identifier.js';
import type { PurposePolicy, PurposeRequest } from '../services/purpose-policy.js';
import type {
  OidcBackchannelRequest,
  OidcContext,
  OidcProvider,
  OidcProviderModule,
} from './oidc-provider-module.js';
import { issueScopedGrant } from './scoped-grant.js';

export interface CibaDeps {
  readonly oidc: Pick<OidcProviderModule, 'errors'>;
  readonly intervalSeconds: number;
  readonly requestTtlSeconds: number;
  readonly purposes: PurposePolicy;
  readonly consents: ConsentService;
  readonly network: NetworkIdentifier;
  readonly pending: PendingConsentRequests;
  readonly ledger: PollLedger;
  readonly resource: string;
  /** Requests whose `openid` the HTTP layer added (see backend-endpoints-router.ts). */
  readonly impliedOpenid: WeakSet<object>;
  readonly logger: Logger;
}

const ONLY_LOGIN_HINT =
  'login_hint is required and the only hint accepted (CAMARA ICM: login_hint_token and id_token_hint are not used)';

/**
 * oidc-provider's `features.ciba` as CAMARA ICM profiles it ("Client-Initiated Backchannel
 * Authentication Flow", "Format of login_hint"): poll mode only; `login_hint` required and
 * the only hint; `binding_message`, `user_code` and `requested_expiry` ignored; exactly one
 * purpose in the operator's scope style. The subscriber's decision follows the purpose's
 * lawful basis, as at the authorization endpoint.
 */
export function cibaFeature(deps: CibaDeps) {
  const { errors } = deps.oidc;
  return {
    enabled: true,
    deliveryModes: ['poll'],
    validateBindingMessage: async () => undefined,
    verifyUserCode: async () => undefined,
    processLoginHintToken: async () => {
      throw new errors.InvalidRequest(ONLY_LOGIN_HINT);
    },
    // Runs before the hint is resolved: the request's shape first.
    validateRequestContext: async (ctx: OidcContext) => {
      const { params } = ctx.oidc;
      if (
        params.login_hint_token !== undefined ||
        params.id_token_hint !== undefined ||
        !params.login_hint
      )
        throw new errors.InvalidRequest(ONLY_LOGIN_HINT);
      if (deps.impliedOpenid.has(ctx.req)) params.scope = withoutOpenid(params.scope);
      purposeOf(deps, params.scope);
    },
    processLoginHint: async (_ctx: OidcContext, loginHint: string) => {
      const parsed = parseSubscriberHint(loginHint);
      if (!parsed.ok) throw new errors.InvalidRequest(`login_hint ${parsed.reason}`);
      const { hint } = parsed;
      if (hint.kind === 'operatortoken')
        throw new errors.UnknownUserId(
          'operatortoken login_hint is not supported by this operator yet',
        );
      const query = hint.kind === 'tel' ? { msisdn: hint.msisdn } : { address: hint.address };
      const subscriber = deps.network.find(query);
      // undefined → oidc-provider answers unknown_user_id; later checks cannot refuse it.
      if (subscriber) await deps.network.remember(subscriber);
      return subscriber?.accountId;
    },
    triggerAuthenticationDevice: async (
      ctx: OidcContext,
      request: OidcBackchannelRequest,
      account: { accountId: string },
      client: { clientId: string },
    ) => {
      // oidc-provider answers {auth_req_id, expires_in}; CIBA Core §7.3 adds `interval`.
      Object.assign(ctx.body as object, { interval: deps.intervalSeconds });
      const expiresAt = Date.now() + deps.requestTtlSeconds * 1000;
      deps.ledger.open(request.jti, client.clientId, expiresAt);
      await startDecision(ctx.oidc.provider, deps, request, account.accountId, expiresAt);
    },
  };
}

function withoutOpenid(scope: string | undefined): string | undefined {
  return scope
    ?.split(' ')
    .filter((s) => s !== 'openid')
    .join(' ');
}

function purposeOf(deps: CibaDeps, scope: string | undefined): PurposeRequest {
  const check = deps.purposes.check(scope);
  if (!check.ok) throw new deps.oidc.errors.InvalidScope(check.reason, scope);
  return check.request;
}

/**
 * Lawful basis without consent, or consent already given: granted at once (the first poll
 * gets the tokens). Otherwise the request waits for the subscriber on the consents page.
 */
async function startDecision(
  provider: OidcProvider,
  deps: CibaDeps,
  request: OidcBackchannelRequest,
  accountId: string,
  expiresAt: number,
): Promise<void> {
  const { purpose, basis, apiScopes } = purposeOf(deps, request.scope);
  const { clientId } = request;
  const state = deps.consents.state(accountId, clientId, purpose, basis);
  const log = { clientId, purpose, accountId, basis };
  if (state === 'missing') {
    deps.pending.add({
      id: request.jti,
      accountId,
      clientId,
      purpose,
      apiScopes,
      expiresAt,
    });
    deps.logger.info('backchannel request awaits consent', log);
    return;
  }
  const grantId = await grant(provider, deps, request);
  if (state === 'given') await deps.consents.attachGrant(accountId, clientId, purpose, grantId);
  await provider.backchannelResult(request, grantId);
  deps.logger.info('backchannel request granted', log);
}

function grant(provider: OidcProvider, deps: CibaDeps, request: OidcBackchannelRequest) {
  return issueScopedGrant(provider, deps.resource, new Set(deps.purposes.resourceScopes()), {
    accountId: request.accountId,
    clientId: request.clientId,
    scope: request.scope ?? '',
  });
}

/** The subscriber's answers to pending requests: consent recorded and granted, or denied. */
export function createBackchannelDecisions(
  provider: OidcProvider,
  deps: CibaDeps,
): BackchannelDecisions {
  return {
    pendingFor: (accountId) => deps.pending.listFor(accountId),
    async decide(accountId, id, decision) {
      const pending = deps.pending.take(accountId, id);
      const request = pending && (await provider.BackchannelAuthenticationRequest.find(id));
      if (!pending || !request) return false;
      const log = { clientId: pending.clientId, purpose: pending.purpose, accountId };
      if (decision === 'deny') {
        const description = `the subscriber refused consent for ${pending.purpose}`;
        await provider.backchannelResult(request, new deps.oidc.errors.AccessDenied(description));
        deps.logger.info('backchannel consent refused', log);
        return true;
      }
      await deps.consents.give(accountId, pending.clientId, pending.purpose);
      const grantId = await grant(provider, deps, request);
      await deps.consents.attachGrant(accountId, pending.clientId, pending.purpose, grantId);
      await provider.backchannelResult(request, grantId);
      deps.logger.info('backchannel consent given', log);
      return true;
    },
  };
}

/** The poll check run inside the CIBA token grant (see ciba-grant-internals.ts). */
export function pollCheck(deps: Pick<CibaDeps, 'oidc' | 'ledger'>) {
  return (ctx: OidcContext) => {
    const id = ctx.oidc.params.auth_req_id;
    if (typeof id !== 'string') return;
    const verdict = deps.ledger.poll(id, ctx.oidc.client.clientId);
    if (verdict === 'expired')
      throw new deps.oidc.errors.ExpiredToken('the backchannel authentication request has expired');
    if (verdict === 'slow_down') throw new deps.oidc.errors.SlowDown();
  };
}
