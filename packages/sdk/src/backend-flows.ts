import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import * as oidc from 'openid-client';
import type { Clock } from './clock.js';
import {
  importSigningKey,
  privateKeyJwt,
  type ClientCredentials,
  type ClientSigningKey,
} from './client-auth.js';
import { AbortedError, AuthorizationExpiredError, SwitchboardError } from './errors.js';
import { loginHint, telHint, type Subject } from './login-hint.js';
import { toSwitchboardError } from './map-error.js';
import { buildBackendScope } from './scope.js';
import { toSession, type VerificationSession } from './session.js';

// ICM r4.2 backend flows, for a service provider's backend with no browser in the loop (a
// fraud engine, a call centre): CIBA in poll mode and the JWT-bearer grant (RFC 7523).

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** CIBA Core §7.3: without `interval` the client waits 5 s; §11: `slow_down` adds 5 s. */
const DEFAULT_INTERVAL_S = 5;
const SLOW_DOWN_S = 5;
/** JWT-bearer assertion lifetime (ICM: exp − iat ≤ 300 s; short is enough for one request). */
const ASSERTION_LIFETIME_S = 60;

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

export interface BackendFlowDeps {
  readonly clientId: string;
  readonly credentials: ClientCredentials;
  /** The discovered issuer (cached by the caller). */
  readonly discovery: () => Promise<oidc.Configuration>;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly allowInsecureRequests: boolean;
  readonly clock: Clock;
}

export function createBackendFlows(deps: BackendFlowDeps): BackendFlows {
  let signing: Promise<ClientSigningKey> | undefined;
  const signingKey = () => {
    signing ??= importSigningKey(deps.credentials).catch((err: unknown) => {
      signing = undefined;
      throw err;
    });
    return signing;
  };
  /** A configuration whose client assertions name `endpoint` as their exact `aud`. */
  const configFor = async (endpoint: Endpoint, signal: AbortSignal | undefined) => {
    const key = await signingKey();
    const server = await discovered(deps, signal);
    const url = endpointUrl(server, endpoint);
    const auth = endpoint === 'jwt-bearer' ? noClientAuth : privateKeyJwt(key, url);
    return { config: configuration(deps, server, auth, signal), url, key };
  };

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
      const sub = telHint(o.phoneNumber);
      const scope = buildBackendScope(o.purpose, o.scopes, { openid: false });
      const { config, url, key } = await configFor('jwt-bearer', o.signal);
      const assertion = await jwtBearerAssertion(key, deps.clock, {
        iss: deps.clientId,
        sub,
        aud: url,
        scope,
      });
      try {
        // ICM r4.2 "JWT Bearer Flow": no scope parameter; the scope claim says it.
        const tokens = await oidc.genericGrantRequest(config, JWT_BEARER_GRANT, { assertion });
        return toSession(tokens, scope, deps.clock.now());
      } catch (err) {
        throw failure(await withServerError(err), 'the JWT-bearer token request', o.signal);
      }
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

/** ICM r4.2 "JWT Bearer Flow": `iss`, `sub`, `aud`, `iat`, `exp` (≤ 300 s), `jti`, `scope`. */
async function jwtBearerAssertion(
  key: ClientSigningKey,
  clock: Clock,
  claims: { iss: string; sub: string; aud: string; scope: string },
): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ scope: claims.scope })
    .setProtectedHeader(key.kid === undefined ? { alg: key.alg } : { alg: key.alg, kid: key.kid })
    .setIssuer(claims.iss)
    .setSubject(claims.sub)
    .setAudience(claims.aud)
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_S)
    .setJti(randomUUID())
    .sign(key.key);
}

type Endpoint = 'backchannel_authentication_endpoint' | 'token_endpoint' | 'jwt-bearer';

/**
 * ICM r4.2 "JWT Bearer Flow": the signed assertion is the client authentication, so the
 * request carries `grant_type` and `assertion` only (not even `client_id`).
 */
const noClientAuth: oidc.ClientAuth = () => undefined;

async function discovered(deps: BackendFlowDeps, signal: AbortSignal | undefined) {
  try {
    return (await deps.discovery()).serverMetadata();
  } catch (err) {
    throw failure(err, 'discovery', signal);
  }
}

function endpointUrl(server: oidc.ServerMetadata, endpoint: Endpoint): string {
  const name = endpoint === 'jwt-bearer' ? 'token_endpoint' : endpoint;
  const url = server[name];
  if (typeof url !== 'string') {
    const flow = endpoint === 'jwt-bearer' ? 'the JWT-bearer grant' : 'CIBA';
    throw new SwitchboardError(
      'UNSUPPORTED_BY_ISSUER',
      `the issuer's discovery document has no ${name}: it does not offer ${flow}`,
    );
  }
  return url;
}

function configuration(
  deps: BackendFlowDeps,
  server: oidc.ServerMetadata,
  auth: oidc.ClientAuth,
  signal: AbortSignal | undefined,
): oidc.Configuration {
  const config = new oidc.Configuration(server, deps.clientId, undefined, auth);
  config[oidc.customFetch] = (url, init) =>
    deps.fetch(url, { ...init, signal: anySignal(init.signal, signal) } as RequestInit);
  config.timeout = deps.timeoutMs / 1000;
  if (deps.allowInsecureRequests) oidc.allowInsecureRequests(config);
  return config;
}

function anySignal(a: AbortSignal | null | undefined, b: AbortSignal | undefined) {
  const signals = [a, b].filter((s): s is AbortSignal => s instanceof AbortSignal);
  return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
}

async function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (err) {
    throw new AbortedError('the CIBA authorization was aborted', err);
  }
}

/**
 * openid-client reads OAuth error bodies of 4xx answers only; ICM (Appendix A) and the
 * aggregator also answer `503 {error: "temporarily_unavailable"}`. Such a body, found on the
 * response in the error's causes, becomes the error's `error` / `error_description`.
 */
async function withServerError(err: unknown): Promise<unknown> {
  let e = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth += 1) {
    if (e instanceof Response) {
      if (e.status < 500 || e.bodyUsed) return err;
      const body = (await e.json().catch(() => undefined)) as Record<string, unknown> | undefined;
      if (typeof body?.error !== 'string') return err;
      return { error: body.error, error_description: body.error_description, cause: err };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return err;
}

/** The caller's abort wins over whatever the aborted request threw. */
function failure(err: unknown, what: string, signal: AbortSignal | undefined): SwitchboardError {
  if (signal?.aborted) return new AbortedError(`${what} was aborted`, signal.reason);
  return toSwitchboardError(err, what);
}
