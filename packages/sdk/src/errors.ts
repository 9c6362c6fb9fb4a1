/**
 * Base of every error the SDK throws. `code` is stable and meant for `switch` statements:
 * an SDK code (`OAUTH_ERROR`, `NETWORK_NOT_IDENTIFIED`, `TIMEOUT`, …) or, for API errors,
 * the CAMARA `code` (`PERMISSION_DENIED`, …). `error` is the OAuth `error` when there is one.
 */
export class SwitchboardError extends Error {
  override readonly name: string = 'SwitchboardError';
  readonly code: string;
  readonly error: string | undefined;
  /** The `x-correlator` of the API call that failed, to quote to support. */
  readonly correlator: string | undefined;

  constructor(
    code: string,
    message: string,
    options: { error?: string; correlator?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.error = options.error;
    this.correlator = options.correlator;
  }
}

/** An OAuth 2.0 error from the authorization or token endpoint (RFC 6749 §4.1.2.1, §5.2). */
export class OAuthError extends SwitchboardError {
  override readonly name: string = 'OAuthError';
  readonly error_description: string | undefined;

  constructor(
    error: string,
    description?: string,
    options: { code?: string; cause?: unknown } = {},
  ) {
    super(options.code ?? 'OAUTH_ERROR', description ? `${error}: ${description}` : error, {
      error,
      cause: options.cause,
    });
    this.error_description = description;
  }
}

/**
 * The user or the authorization server denied the request (`access_denied`): in the backend
 * flows (CIBA), e.g. no consent or no legal basis for the purpose. The more precise cases
 * below are subclasses, so `instanceof AccessDeniedError` catches them all.
 */
export class AccessDeniedError extends OAuthError {
  override readonly name: string = 'AccessDeniedError';
  constructor(description?: string, cause?: unknown, code = 'ACCESS_DENIED') {
    super('access_denied', description, { code, cause });
  }
}

/**
 * A CIBA authorization request ended without an answer: the server said `expired_token`, or
 * its `expires_in` passed while polling (CIBA Core §11). Start a new one.
 */
export class AuthorizationExpiredError extends OAuthError {
  override readonly name: string = 'AuthorizationExpiredError';
  constructor(description?: string, cause?: unknown) {
    super('expired_token', description, { code: 'AUTHORIZATION_EXPIRED', cause });
  }
}

/**
 * The device could not be identified on a mobile network (typically it is on Wi-Fi).
 * Ask the user to switch to mobile data, or fall back to another verification method.
 */
export class NetworkNotIdentifiedError extends AccessDeniedError {
  override readonly name: string = 'NetworkNotIdentifiedError';
  constructor(description?: string, cause?: unknown) {
    super(description, cause, 'NETWORK_NOT_IDENTIFIED');
  }
}

/**
 * The subscriber's consent is needed for this purpose and was not given silently
 * (`consent_required`, e.g. under `prompt=none`). Start again without `prompt: 'none'`
 * so the operator can ask for it.
 */
export class ConsentRequiredError extends OAuthError {
  override readonly name: string = 'ConsentRequiredError';
  constructor(description?: string, cause?: unknown) {
    super('consent_required', description, { code: 'CONSENT_REQUIRED', cause });
  }
}

/** The subscriber refused consent on the operator's consent page (`access_denied`). */
export class ConsentDeniedError extends AccessDeniedError {
  override readonly name: string = 'ConsentDeniedError';
  constructor(description?: string, cause?: unknown) {
    super(description, cause, 'CONSENT_DENIED');
  }
}

/**
 * `POST /openid4vp/credentials` answered `carrier_not_supported`: none of the device's carriers
 * offers operator tokens through this aggregator (CAMARA NV "Operator Token Acquisition" guide,
 * Step 1.3 "Fallback path"). Do not start the Digital Credentials request; use one of
 * `fallbackOptions` instead (Switchboard names `network_authentication`: the front-channel flow,
 * `startVerification`, over mobile data). `code` is `carrier_not_supported`, as on the wire.
 */
export class CarrierNotSupportedError extends OAuthError {
  override readonly name: string = 'CarrierNotSupportedError';
  /** The alternatives the aggregator offers, e.g. `['network_authentication']`; may be empty. */
  readonly fallbackOptions: readonly string[];

  constructor(description: string | undefined, fallbackOptions: readonly string[]) {
    super('carrier_not_supported', description, { code: 'carrier_not_supported' });
    this.fallbackOptions = Object.freeze([...fallbackOptions]);
  }
}

/** A CAMARA API error `{status, code, message}` (CAMARA API design guidelines §3). */
export class CamaraApiError extends SwitchboardError {
  override readonly name: string = 'CamaraApiError';
  readonly status: number;

  constructor(status: number, code: string, message: string, correlator?: string) {
    super(code, message, { correlator });
    this.status = status;
  }
}

/**
 * CAMARA Commonalities `422 SERVICE_NOT_APPLICABLE`: the user's operator does not offer this
 * API (or this check for this line). Fall back to another signal; retrying will not help.
 */
export class ServiceNotApplicableError extends CamaraApiError {
  override readonly name: string = 'ServiceNotApplicableError';
  constructor(message: string, correlator?: string) {
    super(422, 'SERVICE_NOT_APPLICABLE', message, correlator);
  }
}

/** The caller's `AbortSignal` ended the call (code `ABORTED`). */
export class AbortedError extends SwitchboardError {
  override readonly name: string = 'AbortedError';
  constructor(message: string, cause?: unknown) {
    super('ABORTED', message, { cause });
  }
}

/** A call did not complete within `timeoutMs`. */
export class TimeoutError extends SwitchboardError {
  override readonly name: string = 'TimeoutError';
  constructor(message: string, options: { correlator?: string; cause?: unknown } = {}) {
    super('TIMEOUT', message, options);
  }
}
