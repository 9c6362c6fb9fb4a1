import * as oidc from 'openid-client';
import type { Clock } from './clock.js';
import { AbortedError, AuthorizationExpiredError, SwitchboardError } from './errors.js';
import { loginHint, telHint, type Subject } from './login-hint.js';
import { buildBackendScope } from './scope.js';
import { toSession, type VerificationSession } from './session.js';
import {
  createTokenEndpoint,
  failure,
  withServerError,
  type TokenEndpointDeps,
} from './token-endpoint.js';

// ICM r4.2 backend flows, for a service provider's backend with no browser in the loop (a
// fraud engine, a call centre): CIBA in poll mode and the JWT-bearer grant (RFC 7523).

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
/** CIBA Core §7.3: without `interval` the client waits 5 s; §11: `slow_down` adds 5 s. */
const DEFAULT_INTERVAL_S = 5;
const SLOW_DOWN_S = 5;

interface Cancellable {
  /** Aborts waiting and the request in flight; the error is then `AbortedError` (`ABORTED`). */
  readonly signal?: AbortSignal;
}

/** CIBA: who (`phoneNumber` or `deviceAddress`), for which purpose, which API scopes. */
export type BackendAuthorizeOptions = Subject &
  Cancellable & {
    /** Exactly one DPV purpose, e.g. `dpv:FraudPreventionAndDetection` (ICM profile). */
    readonly purpose: string;
    /** CAMARA API scopes, at least one, e.g. `[API_SCOPES.simSwapCheck]`. */
    readonly scopes: readonly string[];
  };

export interface JwtBearerOptions extends Cancellable {
  /** The subscriber, E.164 (sent as `sub=tel:+…`; the client must be trusted for that). */
  readonly phoneNumber: string;
  readonly purpose: string;
  readonly scopes: readonly string[];
}

/** A started CIBA request (CIBA Core §7.3). Times are seconds, as the server sent them. */
export interface BackendAuthorization {
  readonly authReqId: string;
  readonly expiresIn: number;
  /** Seconds to wait before each poll (plus 5 s after every `slow_down`). */
  readonly interval: number;
}

/**
 * One poll of the token endpoint. `pending`: ask again after `interval` (also on the
 * server's `temporarily_unavailable`); `slow_down`: add 5 s to the interval, for good.
 */
export type BackendPollResult =
  | { readonly status: 'pending' }
  | { readonly status: 'slow_down' }
  | { readonly status: 'authorized'; readonly session: VerificationSession };

export interface BackendFlows {
  /** CIBA start and poll until the user's operator answers; the session works like any other. */
  authorize(options: BackendAuthorizeOptions): Promise<VerificationSession>;
  /** CIBA step 1 only: `POST bc-authorize`, for apps that poll themselves (e.g. per page load). */
  start(options: BackendAuthorizeOptions): Promise<BackendAuthorization>;
  /** CIBA step 2, once: `POST token` with the `auth_req_id`. Wait `interval` s before each call. */
  poll(authReqId: string, options?: Cancellable): Promise<BackendPollResult>;
  /** JWT-bearer grant (RFC 7523, ICM r4.2): one token request, no user interaction. */
  jwtBearer(options: JwtBearerOptions): Promise<VerificationSession>;
}

export type BackendFlowDeps = TokenEndpointDeps;

export function createBackendFlows(deps: BackendFlowDeps): BackendFlows {
  const tokenEndpoint = createTokenEndpoint(deps);
  const configFor = tokenEndpoint.configFor;

  const poll: BackendFlows['poll'] = async (authReqId, o = {}) => {
    if (typeof authReqId !== 'string' || authReqId === '')
      throw new SwitchboardError('INVALID_ARGUMENT', 'authReqId is required');
    const { config } = await configFor('token_endpoint', o.signal);
    try {
      const tokens = await oidc.genericGrantRequest(config, CIBA_GRANT, { auth_req_id: authReqId });
      return { status: 'authorized', session: toSession(tokens, '', deps.clock.now()) };
    } catch (thrown) {
      const err = await withServerError(thrown);
      const error = (err as { error?: unknown } | null)?.error;
      if (error === 'authorization_pending' || error === 'temporarily_unavailable')
        return { status: 'pending' };
      if (error === 'slow_down') return { status: 'slow_down' };
      throw failure(err, 'the CIBA token request', o.signal);
    }
  };

  const start: BackendFlows['start'] = async (o) => {
    const params = { login_hint: loginHint(o), scope: buildBackendScope(o.purpose, o.scopes) };
    const { config } = await configFor('backchannel_authentication_endpoint', o.signal);
    try {
      const r = await oidc.initiateBackchannelAuthentication(config, params);
      return {
        authReqId: r.auth_req_id,
        expiresIn: r.expires_in,
        interval: r.interval ?? DEFAULT_INTERVAL_S,
      };
    } catch (err) {
      throw failure(await withServerError(err), 'the backchannel authentication request', o.signal);
    }
  };

  return {
    start,
    poll,
    async authorize(o) {
      return pollUntilDone(deps.clock, await start(o), poll, o.signal);
    },
    async jwtBearer(o) {
      return tokenEndpoint.jwtBearer({
        sub: telHint(o.phoneNumber),
        scope: buildBackendScope(o.purpose, o.scopes, { openid: false }),
        what: 'the JWT-bearer token request',
        signal: o.signal,
      });
    },
  };
}

/** CIBA Core §7.3, §11: wait `interval` before every poll; `slow_down` adds 5 s for good. */
async function pollUntilDone(
  clock: Clock,
  started: BackendAuthorization,
  poll: BackendFlows['poll'],
  signal: AbortSignal | undefined,
): Promise<VerificationSession> {
  const deadline = clock.now() + started.expiresIn * 1000;
  let interval = started.interval;
  for (;;) {
    await sleep(clock, interval * 1000, signal);
    if (clock.now() >= deadline)
      throw new AuthorizationExpiredError(
        `no answer within the request's expires_in (${started.expiresIn} s)`,
      );
    const result = await poll(started.authReqId, { signal });
    if (result.status === 'authorized') return result.session;
    if (result.status === 'slow_down') interval += SLOW_DOWN_S;
  }
}

async function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (err) {
    throw new AbortedError('the CIBA authorization was aborted', err);
  }
}
