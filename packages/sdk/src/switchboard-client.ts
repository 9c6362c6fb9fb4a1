import * as oidc from 'openid-client';
import { createAntiFraudApis, type AntiFraudApis } from './anti-fraud.js';
import { createBackendFlows, type BackendFlows } from './backend-flows.js';
import { callCamara, type CamaraApiDeps } from './camara-api.js';
import { systemClock, type Clock } from './clock.js';
import { createClientAuth, importSigningKey, type ClientCredentials } from './client-auth.js';
import { OAuthError, SwitchboardError } from './errors.js';
import { toSwitchboardError } from './map-error.js';
import { createOperatorTokenFlows, type OperatorTokenFlows } from './operator-token.js';
import { hashPhoneNumber, isE164 } from './phone-number.js';
import { buildScope, normalisePurpose, type NumberVerificationOperation } from './scope.js';
import { toSession, type VerificationSession } from './session.js';

export type { VerificationSession } from './session.js';

export interface SwitchboardClientOptions extends ClientCredentials {
  /** The aggregator's issuer, e.g. `https://switchboard.example` (any OIDC provider with NV works). */
  readonly issuer: string;
  readonly clientId: string;
  /**
   * The app's callback, registered with the issuer: needed by `startVerification` and
   * `completeVerification`, not by the backend flows (a backend client has none).
   */
  readonly redirectUri?: string;
  /** NV 2.1 API root; default `{apiRoot}/number-verification/v2`. */
  readonly apiBaseUrl?: string;
  /** Where the CAMARA APIs are; default the issuer (Switchboard serves them there). */
  readonly apiRoot?: string;
  /** Injected fetch (tests, proxies, keep-alive pools); default the global fetch. */
  readonly fetch?: typeof fetch;
  /** Per-request timeout for discovery, token and API calls; default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Allow `http://` issuers. Development only (e.g. `http://127.0.0.1:3000`); never by default. */
  readonly allowInsecureRequests?: boolean;
  /** Injected time (`now`, `sleep`) for the CIBA polling; default the system clock. For tests. */
  readonly clock?: Clock;
}

export interface StartVerificationOptions {
  /** Exactly one DPV purpose, e.g. `dpv:FraudPreventionAndDetection` (ICM profile). */
  readonly purpose: string;
  /** The number the user typed (E.164); sent as `login_hint=tel:+…`. */
  readonly phoneNumber?: string;
  /** `none` keeps the flow silent; a purpose that needs consent then ends in `ConsentRequiredError`. */
  readonly prompt?: string;
  /** NV operations to be allowed; default `['verify']`, `[]` for none. */
  readonly operations?: readonly NumberVerificationOperation[];
  /**
   * Scopes of other CAMARA APIs, in the same consent and token, e.g.
   * `[API_SCOPES.simSwapCheck]` (the app must be allowed them: `clients update --scopes`).
   */
  readonly scopes?: readonly string[];
  /**
   * Send the request as a signed request object (CAMARA ICM "Signed Authentication Requests",
   * RFC 9101), signed with `privateKey`: required for an app registered with
   * `clients add|update --require-signed-request`.
   */
  readonly signedRequest?: boolean;
}

/**
 * What the app keeps in its session between `startVerification` and `completeVerification`.
 * Opaque to the app and JSON-serialisable; it holds the PKCE verifier, so keep it server-side.
 */
export interface SavedVerification {
  readonly v: 1;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly purpose: string;
  readonly scope: string;
}

export interface StartedVerification {
  /** Where to send the user's browser (a 303 redirect). */
  readonly url: string;
  readonly state: string;
  readonly saved: SavedVerification;
}

export interface ApiCallOptions {
  /** `x-correlator` to send; default a fresh UUID. Errors carry it as `correlator`. */
  readonly correlator?: string;
}

export interface SwitchboardClient extends AntiFraudApis {
  /** The ICM backend flows, no browser: CIBA (`authorize`, or `start` + `poll`) and JWT-bearer. */
  readonly backend: BackendFlows;
  /**
   * NV without mobile data (CAMARA NV "Operator Token Acquisition" guide): the DCQL credential
   * for the device's wallet, then the wallet's SD-JWT for a session. A backend client's flow.
   */
  readonly operatorToken: OperatorTokenFlows;
  /** Builds the authorization URL (PKCE S256, state, nonce, one purpose) and what to save. */
  startVerification(options: StartVerificationOptions): Promise<StartedVerification>;
  /** Validates the callback (state, code, PKCE, ID token, nonce) and returns the session. */
  completeVerification(
    callbackUrl: string | URL,
    saved: SavedVerification,
  ): Promise<VerificationSession>;
  /** CAMARA NV `POST /verify` with `hashedPhoneNumber`: is this the device's number? */
  verify(session: VerificationSession, phoneNumber: string, o?: ApiCallOptions): Promise<boolean>;
  /** CAMARA NV `GET /device-phone-number` (needs the `device-phone-number` operation). */
  devicePhoneNumber(session: VerificationSession, o?: ApiCallOptions): Promise<string>;
}

/**
 * A client of a Switchboard aggregator (or of any operator's OIDC provider with the CAMARA
 * Number Verification API). Discovery runs on first use and is cached; a failed discovery
 * is retried on the next call.
 */
export function createSwitchboardClient(options: SwitchboardClientOptions): SwitchboardClient {
  const issuer = options.issuer.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const apiRoot = (options.apiRoot ?? issuer).replace(/\/+$/, '');
  const api: CamaraApiDeps = {
    fetch: fetchImpl,
    baseUrl: (options.apiBaseUrl ?? `${apiRoot}/number-verification/v2`).replace(/\/+$/, ''),
    timeoutMs: options.timeoutMs ?? 10_000,
  };
  const configuration = cachedDiscovery(issuer, options, fetchImpl, api.timeoutMs);
  const tokenEndpoint = {
    clientId: options.clientId,
    credentials: options,
    discovery: configuration,
    fetch: fetchImpl,
    timeoutMs: api.timeoutMs,
    allowInsecureRequests: options.allowInsecureRequests === true,
    clock: options.clock ?? systemClock,
  };

  return {
    ...createAntiFraudApis({ fetch: fetchImpl, apiRoot, timeoutMs: api.timeoutMs }),
    backend: createBackendFlows(tokenEndpoint),
    operatorToken: createOperatorTokenFlows({ ...tokenEndpoint, issuer }),
    async startVerification(o) {
      return startVerification(await configuration(), redirectUri(options), o, options);
    },
    async completeVerification(callbackUrl, saved) {
      return completeVerification(await configuration(), redirectUri(options), callbackUrl, saved);
    },
    async verify(session, phoneNumber, o = {}) {
      if (!isE164(phoneNumber)) throw invalidNumber();
      const json = await callCamara(api, {
        method: 'POST',
        path: '/verify',
        accessToken: session.accessToken,
        body: { hashedPhoneNumber: hashPhoneNumber(phoneNumber) },
        correlator: o.correlator,
      });
      return expectField(json, 'devicePhoneNumberVerified', 'boolean');
    },
    async devicePhoneNumber(session, o = {}) {
      const json = await callCamara(api, {
        method: 'GET',
        path: '/device-phone-number',
        accessToken: session.accessToken,
        correlator: o.correlator,
      });
      return expectField(json, 'devicePhoneNumber', 'string');
    },
  };
}

function cachedDiscovery(
  issuer: string,
  options: SwitchboardClientOptions,
  fetchImpl: typeof fetch,
  timeoutMs: number,
): () => Promise<oidc.Configuration> {
  let pending: Promise<oidc.Configuration> | undefined;
  const discover = async () => {
    const auth = await createClientAuth(options);
    try {
      return await oidc.discovery(new URL(issuer), options.clientId, undefined, auth, {
        [oidc.customFetch]: (url, init) => fetchImpl(url, init as RequestInit),
        timeout: timeoutMs / 1000,
        execute: options.allowInsecureRequests === true ? [oidc.allowInsecureRequests] : [],
      });
    } catch (err) {
      throw toSwitchboardError(err, `discovery of ${issuer}`);
    }
  };
  return () => {
    pending ??= discover().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

async function startVerification(
  config: oidc.Configuration,
  redirectUri: string,
  o: StartVerificationOptions,
  credentials: ClientCredentials,
): Promise<StartedVerification> {
  if (o.phoneNumber !== undefined && !isE164(o.phoneNumber)) throw invalidNumber();
  const purpose = normalisePurpose(o.purpose);
  const saved: SavedVerification = {
    v: 1,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
    purpose,
    scope: buildScope(purpose, o.operations, o.scopes),
  };
  const params = {
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: saved.scope,
    state: saved.state,
    nonce: saved.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(saved.codeVerifier),
    code_challenge_method: 'S256',
    ...(o.prompt ? { prompt: o.prompt } : {}),
    ...(o.phoneNumber ? { login_hint: `tel:${o.phoneNumber}` } : {}),
  };
  const url = o.signedRequest
    ? await signedRequestUrl(config, params, credentials)
    : oidc.buildAuthorizationUrl(config, params);
  return { url: url.href, state: saved.state, saved };
}

/**
 * CAMARA ICM r4.2 "Signed Authentication Requests": every parameter in the object (openid-client
 * adds `iss`, `aud` = the issuer, `iat`, `exp` 60 s later, `jti`), and `scope`, `response_type`,
 * `client_id`, `redirect_uri` repeated in the query with the same values.
 */
async function signedRequestUrl(
  config: oidc.Configuration,
  params: Record<string, string>,
  credentials: ClientCredentials,
): Promise<URL> {
  if (credentials.privateKey === undefined)
    throw new TypeError(
      'signedRequest needs privateKey: the request object is signed with it (ICM)',
    );
  const { key, kid } = await importSigningKey(credentials);
  const url = await oidc.buildAuthorizationUrlWithJAR(config, params, { key, kid });
  url.searchParams.set('response_type', params.response_type!);
  url.searchParams.set('scope', params.scope!);
  url.searchParams.set('redirect_uri', params.redirect_uri!);
  return url;
}

async function completeVerification(
  config: oidc.Configuration,
  redirectUri: string,
  callbackUrl: string | URL,
  saved: SavedVerification,
): Promise<VerificationSession> {
  if (saved?.v !== 1) throw new SwitchboardError('INVALID_SAVED_STATE', 'no saved verification');
  // The redirect_uri sent to the token endpoint must be the registered one, not the URL the
  // app saw behind its proxy, so only the callback's query is taken (RFC 6749 §4.1.3).
  const current = new URL(redirectUri);
  current.search = new URL(callbackUrl, redirectUri).search;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: saved.codeVerifier,
      expectedState: saved.state,
      expectedNonce: saved.nonce,
      idTokenExpected: true,
    });
    if (!tokens.claims()) throw new OAuthError('invalid_response', 'no ID token');
    return toSession(tokens, saved.scope, Date.now());
  } catch (err) {
    throw toSwitchboardError(err, 'the authorization callback');
  }
}

function expectField<T extends 'boolean' | 'string'>(
  json: Record<string, unknown>,
  field: string,
  type: T,
): T extends 'boolean' ? boolean : string {
  const value = json[field];
  if (typeof value !== type) {
    throw new SwitchboardError('INVALID_RESPONSE', `the API answered without ${field}`);
  }
  return value as T extends 'boolean' ? boolean : string;
}

function redirectUri(options: SwitchboardClientOptions): string {
  if (options.redirectUri) return options.redirectUri;
  throw new TypeError('redirectUri is required for startVerification and completeVerification');
}

function invalidNumber(): SwitchboardError {
  return new SwitchboardError(
    'INVALID_PHONE_NUMBER',
    'phone number must be E.164 with its +, e.g. +34600000001',
  );
}
