/**
 * CAMARA error model (CAMARA Commonalities "Error Responses"): every error on a CAMARA
 * endpoint is `{status, code, message}`. Codes and default messages below follow the
 * Commonalities templates and the Number Verification specs (NV 2.1, NV 0.3.1).
 */
export const CAMARA_ERRORS = {
  INVALID_ARGUMENT: {
    status: 400,
    message: 'Client specified an invalid argument, request body or query param.',
  },
  OUT_OF_RANGE: { status: 400, message: 'Client specified an invalid range.' },
  UNAUTHENTICATED: {
    status: 401,
    message:
      'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
  },
  PERMISSION_DENIED: {
    status: 403,
    message: 'Client does not have sufficient permissions to perform this action.',
  },
  'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK': {
    status: 403,
    message: 'Client must authenticate via the mobile network to use this service',
  },
  // NV 0.3.1 only; removed from NV 2.x.
  'NUMBER_VERIFICATION.INVALID_TOKEN_CONTEXT': {
    status: 403,
    message: 'Phone number cannot be deducted from access token context',
  },
  NOT_FOUND: { status: 404, message: 'The specified resource is not found.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'The requested method is not allowed/supported on the target resource.',
  },
  // Commonalities r4.4: the two codes that replace the deprecated 409 CONFLICT.
  ALREADY_EXISTS: {
    status: 409,
    message: 'The resource that a client tried to create already exists.',
  },
  INCOMPATIBLE_STATE: {
    status: 409,
    message: "The resource's state is incompatible with the requested action.",
  },
  NOT_ACCEPTABLE: {
    status: 406,
    message:
      "The server can't produce a response matching the content requested by the client through Accept-* headers.",
  },
  // Commonalities: the operator does not offer the service for this subscription (here: the
  // operator the token routes to does not offer the API at all).
  SERVICE_NOT_APPLICABLE: {
    status: 422,
    message: 'The service is not available for the provided identifier.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message:
      'The server refuses to accept the request because the payload format is in an unsupported format.',
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    message: 'Either out of resource quota or reaching rate limiting.',
  },
  INTERNAL: { status: 500, message: 'Unknown server error. Typically a server bug.' },
  BAD_GATEWAY: { status: 502, message: 'An upstream internal service cannot be reached.' },
  UNAVAILABLE: { status: 503, message: 'Service Unavailable.' },
  TIMEOUT: { status: 504, message: 'Request timeout exceeded.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type CamaraErrorCode = keyof typeof CAMARA_ERRORS;

/** CAMARA Commonalities r4.4 `ErrorInfo`: `code` maxLength 96, `message` maxLength 512. */
export const ERROR_CODE_MAX_LENGTH = 96;
export const ERROR_MESSAGE_MAX_LENGTH = 512;

/**
 * `text` cut to `max` characters (code points, as JSON Schema counts them, so no surrogate
 * pair is split), ending in `…` when something was cut.
 */
export function boundedText(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A body within the Commonalities limits; only Switchboard's own bodies pass here. */
export function boundedBody(status: number, code: string, message: string): CamaraErrorBody {
  return {
    status,
    code: boundedText(code, ERROR_CODE_MAX_LENGTH),
    message: boundedText(message, ERROR_MESSAGE_MAX_LENGTH),
  };
}

export interface CamaraErrorBody {
  status: number;
  code: string;
  message: string;
}

export interface CamaraErrorOptions {
  /** Private: logged, never sent. */
  readonly cause?: unknown;
  /**
   * Response headers the error implies: `Allow` on 405 (RFC 9110 §15.5.6), `Retry-After`
   * on 429 and 503 (RFC 9110 §10.2.3).
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A CAMARA error; `message` is public for 4xx, replaced by the code's default on 5xx. */
export class CamaraError extends Error {
  override readonly name = 'CamaraError';
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: CamaraErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options.headers ?? {};
  }
}

/** Builds the error for `code`, with the spec's default message unless one is given. */
export function camaraError(
  code: CamaraErrorCode,
  message?: string,
  options?: CamaraErrorOptions,
): CamaraError {
  const known = CAMARA_ERRORS[code];
  return new CamaraError(known.status, code, message ?? known.message, options);
}

/** The spec's default message of a code, or INTERNAL's for a code it does not define. */
export function defaultMessage(code: string): string {
  return code in CAMARA_ERRORS
    ? CAMARA_ERRORS[code as CamaraErrorCode].message
    : CAMARA_ERRORS.INTERNAL.message;
}

export function isCamaraError(value: unknown): value is CamaraError {
  return value instanceof CamaraError;
}

/**
 * The response body for any thrown value. Unknown errors become INTERNAL, and 5xx bodies
 * always carry the code's default message so nothing from a cause or stack leaks.
 */
export function toCamaraBody(err: unknown): CamaraErrorBody {
  if (!isCamaraError(err)) return defaultBody('INTERNAL');
  if (err.status >= 500) return boundedBody(err.status, err.code, defaultMessage(err.code));
  return boundedBody(err.status, err.code, err.message);
}

function defaultBody(code: CamaraErrorCode): CamaraErrorBody {
  const known = CAMARA_ERRORS[code];
  return { status: known.status, code, message: known.message };
}
