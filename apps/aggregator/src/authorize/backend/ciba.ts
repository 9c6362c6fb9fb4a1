import type { Knex } from 'knex';
import * as client from 'openid-client';
import { offersScope } from '@switchboard/camara';
import type { Logger, Operator, TelcoFinder } from '@switchboard/telco-finder';
import type { SecretBox } from '@switchboard/tokens';
import type {
  OperatorBackendClient,
  OperatorBackchannelStart,
} from '../flow/operator-backend-client.js';
import { isTimeout, operatorText, scopesNotOffered } from '../flow/operator-errors.js';
import { translateScope } from '../flow/scope-translation.js';
import type {
  GrantHandler,
  OidcContext,
  OidcProvider,
  OidcProviderModule,
} from '../oidc/oidc-provider-module.js';
import type { OperatorGrants } from '../operator-grants.js';
import { pairwiseSubject } from '../pairwise-subject.js';
import {
  claimPoll,
  deleteBackchannelRequest,
  getBackchannelRequest,
  insertBackchannelRequest,
  slowDown,
} from '../store/backchannel-store.js';
import { operatorRefusal } from './backend-errors.js';
import { parseSubject } from './login-hint.js';

export interface CibaDeps {
  readonly knex: Knex;
  readonly finder: TelcoFinder;
  readonly operator: (id: string) => Promise<Operator>;
  readonly backend: OperatorBackendClient;
  readonly secretBox: SecretBox;
  readonly grants: Pick<OperatorGrants, 'save'>;
  readonly grantFor: (clientId: string, accountId: string, scope: string) => Promise<string>;
  readonly pairwiseSecret: Buffer;
  /** Seconds: Switchboard never polls an operator faster, whatever it says. */
  readonly minIntervalSeconds: number;
  /** Seconds: the longest a request may stay pending here. */
  readonly maxExpiresIn: number;
  readonly logger: Logger;
}

/** The koa context members the CIBA hooks read and set. */
type CibaContext = OidcContext & { body: unknown };

/** What the operator answered to the authentication request, kept for the rest of the request. */
interface Started {
  readonly op: Operator;
  readonly operatorRequest: OperatorBackchannelStart;
  readonly interval: number;
  readonly expiresIn: number;
}

/** The secret-box context (AAD) of an operator's auth_req_id: it opens only for its request. */
const operatorRequestContext = (authReqId: string) => `operator-auth-req-id:${authReqId}`;

/** CIBA Core §11: after `slow_down` the interval grows by at least 5 seconds. */
const SLOW_DOWN_SECONDS = 5;

/**
 * CIBA poll mode through the aggregator (ICM r4.2 "Client-Initiated Backchannel
 * Authentication Flow"): oidc-provider serves `/bc-authorize` and the token endpoint, these
 * hooks run the same request at the subscriber's operator. At the backchannel endpoint the
 * login hint finds the operator and starts its CIBA request; Switchboard answers with its own
 * auth_req_id. At each poll the operator is polled once, never faster than its interval, and
 * its outcome is recorded on the request before oidc-provider's CIBA grant answers.
 */
export function createCiba(oidc: OidcProviderModule, deps: CibaDeps) {
  const { errors } = oidc;
  const started = new WeakMap<object, Started>();
  const forbidden = (description: string) =>
    Object.assign(new errors.AccessDenied(description), { status: 403, statusCode: 403 });

  async function processLoginHint(ctx: CibaContext, loginHint: string): Promise<string> {
    const subject = parseSubject(loginHint);
    if ('refusal' in subject) throw new errors.InvalidRequest(`login_hint: ${subject.refusal}`);
    const clientId = ctx.oidc.client!.clientId;
    const scope = ctx.oidc.params?.scope ?? '';
    const match =
      subject.kind === 'tel'
        ? deps.finder.lookupPhoneNumber(subject.phoneNumber)
        : deps.finder.lookupIp(subject.address);
    if (!match || match.operator.status !== 'active')
      throw new errors.UnknownUserId(
        'no mobile operator served by this aggregator knows this subscriber',
      );
    const op = match.operator;
    const notOffered = scope.split(' ').filter((s) => s && !offersScope(op.supportedApis, s));
    if (notOffered.length) throw new errors.InvalidScope(scopesNotOffered(notOffered).description);
    const operatorRequest = await startAtOperator(op, subject.hint, scope, clientId);
    const interval = Math.max(operatorRequest.interval, deps.minIntervalSeconds);
    const expiresIn = Math.max(1, Math.min(operatorRequest.expiresIn, deps.maxExpiresIn));
    started.set(ctx, { op, operatorRequest, interval, expiresIn });
    return pairwiseSubject(deps.pairwiseSecret, clientId, op.id, subject.hint);
  }

  async function startAtOperator(op: Operator, hint: string, scope: string, clientId: string) {
    try {
      const capabilities = await deps.backend.capabilities(op);
      if (!capabilities.ciba)
        throw forbidden(
          "the subscriber's mobile operator does not offer backchannel authentication (CIBA poll mode)",
        );
      return await deps.backend.startBackchannel(op, {
        loginHint: hint,
        scope: translateScope(scope, op.scopeStyle),
      });
    } catch (err) {
      if (err instanceof Error && 'statusCode' in err) throw err;
      deps.logger.info('operator refused a backchannel request', {
        clientId,
        operatorId: op.id,
        ...describe(err),
      });
      throw toAppError(err, 'authentication');
    }
  }

  /** oidc-provider saved the request: keep the mapping, and say how fast to poll. */
  async function triggerAuthenticationDevice(
    ctx: CibaContext,
    request: { jti: string; scope?: string },
  ): Promise<void> {
    const s = started.get(ctx);
    if (!s) throw new Error('no operator request for this backchannel request');
    const now = Date.now();
    await insertBackchannelRequest(deps.knex, {
      auth_req_id: request.jti,
      client_id: ctx.oidc.client!.clientId,
      operator_id: s.op.id,
      operator_request_enc: deps.secretBox.seal(
        s.operatorRequest.authReqId,
        operatorRequestContext(request.jti),
      ),
      scope: request.scope ?? '',
      interval_seconds: s.interval,
      poll_after: new Date(now + s.interval * 1000),
      expires_at: new Date(now + s.expiresIn * 1000),
    });
    ctx.body = {
      ...(ctx.body as Record<string, unknown>),
      expires_in: s.expiresIn,
      interval: s.interval,
    };
    deps.logger.info('backchannel request started', {
      clientId: ctx.oidc.client!.clientId,
      operatorId: s.op.id,
    });
  }

  /** Wraps oidc-provider's CIBA grant: one operator poll, then its answer. */
  function pollingGrant(provider: OidcProvider, builtIn: GrantHandler): GrantHandler {
    return async (ctx) => {
      const id = ctx.oidc.params?.auth_req_id ?? '';
      const row = await getBackchannelRequest(deps.knex, id);
      if (!row || row.client_id !== ctx.oidc.client?.clientId) return builtIn(ctx);
      const now = new Date();
      if (now >= row.expires_at) {
        await deleteBackchannelRequest(deps.knex, id);
        throw new errors.ExpiredToken('the backchannel authentication request has expired');
      }
      if (!(await claimPoll(deps.knex, id, now, row.interval_seconds)))
        throw new errors.SlowDown(`poll at most every ${row.interval_seconds} seconds`);
      const op = await deps.operator(row.operator_id);
      const operatorRequest = deps.secretBox.open(
        row.operator_request_enc,
        operatorRequestContext(id),
      );
      let tokens;
      try {
        tokens = await deps.backend.pollBackchannel(op, operatorRequest);
      } catch (err) {
        await settleRefusal(provider, id, row.interval_seconds, err, op);
        return builtIn(ctx);
      }
      const request = await provider.BackchannelAuthenticationRequest.find(id);
      if (!request) return builtIn(ctx);
      const grantId = await deps.grantFor(row.client_id, request.accountId, row.scope);
      await deps.grants.save({
        grantId,
        clientId: row.client_id,
        operatorId: op.id,
        apiRoot: op.apiRoot,
        scope: row.scope,
        operatorAccessToken: tokens.accessToken,
        expiresAt: new Date(Date.now() + tokens.expiresIn * 1000),
      });
      // The request found above: oidc-provider records the grant on it without reading it again.
      await provider.backchannelResult(request, grantId, {
        ...(tokens.amr ? { amr: tokens.amr } : {}),
        ...(tokens.acr ? { acr: tokens.acr } : {}),
      });
      await deleteBackchannelRequest(deps.knex, id);
      deps.logger.info('operator token obtained', { clientId: row.client_id, operatorId: op.id });
      return builtIn(ctx);
    };
  }

  /**
   * The operator's answer was not a token: pending passes (oidc-provider says
   * `authorization_pending`), `slow_down` slows both sides down, a final refusal is recorded
   * on the request, and an operator that cannot be reached is `temporarily_unavailable`.
   */
  async function settleRefusal(
    provider: OidcProvider,
    id: string,
    interval: number,
    err: unknown,
    op: Operator,
  ): Promise<void> {
    const code = err instanceof client.ResponseBodyError ? err.error : undefined;
    if (code === 'authorization_pending') return;
    if (code === 'slow_down') {
      await slowDown(deps.knex, id, new Date(), interval + SLOW_DOWN_SECONDS);
      throw new errors.SlowDown(`poll at most every ${interval + SLOW_DOWN_SECONDS} seconds`);
    }
    deps.logger.info('operator ended a backchannel request', {
      operatorId: op.id,
      ...describe(err),
    });
    const appError = toAppError(err, 'token');
    if (!code) throw appError;
    await provider.backchannelResult(id, appError);
    await deleteBackchannelRequest(deps.knex, id);
  }

  function toAppError(err: unknown, endpoint: 'authentication' | 'token'): Error {
    const refusal = operatorRefusal(err);
    if (refusal.error === 'temporarily_unavailable')
      return Object.assign(new errors.TemporarilyUnavailable(refusal.description), {
        status: 503,
        statusCode: 503,
      });
    if (refusal.error === 'access_denied')
      return endpoint === 'authentication'
        ? forbidden(refusal.description)
        : new errors.AccessDenied(refusal.description);
    if (refusal.error === 'unknown_user_id') return new errors.UnknownUserId(refusal.description);
    if (refusal.error === 'invalid_scope') return new errors.InvalidScope(refusal.description);
    if (refusal.error === 'expired_token') return new errors.ExpiredToken(refusal.description);
    if (refusal.error === 'invalid_grant') return new errors.InvalidGrant(refusal.description);
    return Object.assign(new errors.CustomOIDCProviderError(refusal.error, refusal.description), {
      status: 500,
      statusCode: 500,
    });
  }

  const onlyLoginHint = () =>
    new errors.InvalidRequest('login_hint is the only hint accepted (ICM)');
  return {
    /**
     * oidc-provider's `features.ciba` (ICM r4.2): poll mode; `login_hint` the only hint;
     * `binding_message`, `user_code` and `requested_expiry` ignored.
     */
    feature: {
      enabled: true,
      deliveryModes: ['poll'],
      processLoginHint,
      processLoginHintToken: async () => {
        throw onlyLoginHint();
      },
      validateRequestContext: async (ctx: OidcContext) => {
        if (ctx.oidc.params?.id_token_hint !== undefined) throw onlyLoginHint();
      },
      validateBindingMessage: async () => {},
      verifyUserCode: async () => {},
      triggerAuthenticationDevice,
    },
    pollingGrant,
    /** oidc-provider's request lifetime: the operator's, capped by ours. */
    ttl: (ctx: object) => started.get(ctx)?.expiresIn ?? deps.maxExpiresIn,
  };
}

function describe(err: unknown): Record<string, string> {
  if (err instanceof client.ResponseBodyError)
    return {
      error: operatorText(err.error, 64),
      description: operatorText(err.error_description ?? null),
    };
  return {
    error: isTimeout(err) ? 'timeout' : 'unreachable',
    description: operatorText(String(err)),
  };
}
