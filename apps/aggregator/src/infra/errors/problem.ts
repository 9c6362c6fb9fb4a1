import {
  ERROR_CODE_MAX_LENGTH,
  ERROR_MESSAGE_MAX_LENGTH,
  boundedText,
  defaultMessage,
  isCamaraError,
  type CamaraErrorCode,
} from '@switchboard/camara';
import { isDatabaseUnavailable } from '@switchboard/db';
import {
  ConflictError,
  InputError,
  NotFoundError,
  UpstreamError,
  type ConflictKind,
  type ErrorDetail,
} from '@switchboard/telco-finder';
import { leadingMessage, violationDetails } from './route-violation-words.js';

/**
 * What a thrown value means over HTTP, split the way oidc-provider splits its errors: a
 * public part for the client and a private part for the log. Every surface (CAMARA APIs,
 * the admin API, the operator API, pages) maps errors here and only renders the result
 * differently (ADR 0003).
 */
export interface Problem {
  readonly status: number;
  /** The CAMARA code (Commonalities error catalogue), also in admin answers. */
  readonly code: string;
  readonly publicMessage: string;
  /** Line and field details of refused input; public. */
  readonly details?: readonly ErrorDetail[];
  /** Headers the answer must carry: `Allow` (405), `Retry-After` (429, 503). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Logged and counted, never sent: the cause of a server-side failure. */
  readonly privateDetail?: string;
}

/** CAMARA Commonalities r4.4 deprecated 409 CONFLICT for these two (ADR 0003). */
const CONFLICT_CODES: Readonly<Record<ConflictKind, CamaraErrorCode>> = {
  'already-exists': 'ALREADY_EXISTS',
  'incompatible-state': 'INCOMPATIBLE_STATE',
};

/** body-parser's refusals (the `type` of its HttpErrors): the client's mistake, a 400. */
const BODY_ERRORS: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'request body is not valid JSON',
  'entity.too.large': 'request body is too large',
  'charset.unsupported': 'request body encoding is not supported',
  'encoding.unsupported': 'request body encoding is not supported',
};

export function toProblem(err: unknown): Problem {
  const problem = mapProblem(err);
  // CAMARA Commonalities r4.4 ErrorInfo: code ≤ 96 characters, message ≤ 512.
  return {
    ...problem,
    code: boundedText(problem.code, ERROR_CODE_MAX_LENGTH),
    publicMessage: boundedText(problem.publicMessage, ERROR_MESSAGE_MAX_LENGTH),
  };
}

function mapProblem(err: unknown): Problem {
  if (isCamaraError(err)) {
    const server = err.status >= 500;
    return {
      status: err.status,
      code: err.code,
      // A 5xx says only what its code means (CAMARA Commonalities): nothing from a cause.
      publicMessage: server ? defaultMessage(err.code) : err.message,
      ...(Object.keys(err.headers).length > 0 ? { headers: err.headers } : {}),
      ...(server || err.cause !== undefined ? { privateDetail: describe(err.cause ?? err) } : {}),
    };
  }
  if (err instanceof InputError) return routeChange(400, 'INVALID_ARGUMENT', err);
  if (err instanceof NotFoundError) return routeChange(404, 'NOT_FOUND', err);
  if (err instanceof ConflictError) return routeChange(409, CONFLICT_CODES[err.kind], err);
  // An operator's own endpoint failed: the admin or operator who set it needs to know why.
  if (err instanceof UpstreamError) return domain(502, 'BAD_GATEWAY', err.message, err.details);
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && (type in BODY_ERRORS || type.startsWith('entity.')))
    return domain(400, 'INVALID_ARGUMENT', BODY_ERRORS[type] ?? 'request body is not readable');
  if (isDatabaseUnavailable(err)) return server('UNAVAILABLE', err, { 'retry-after': '30' });
  return server('INTERNAL', err);
}

function domain(
  status: number,
  code: CamaraErrorCode,
  publicMessage: string,
  details?: readonly ErrorDetail[],
): Problem {
  return details && details.length > 0
    ? { status, code, publicMessage, details }
    : { status, code, publicMessage };
}

/** A domain refusal; a refused route change in the APIs' own words, with violation codes. */
function routeChange(
  status: number,
  code: CamaraErrorCode,
  err: InputError | NotFoundError | ConflictError,
): Problem {
  const ownDetails = 'details' in err ? err.details : undefined;
  if (err.violations.length === 0) return domain(status, code, err.message, ownDetails);
  const details = violationDetails(err.violations);
  return domain(status, code, leadingMessage(details), status === 404 ? undefined : details);
}

function server(
  code: 'INTERNAL' | 'UNAVAILABLE',
  err: unknown,
  headers?: Record<string, string>,
): Problem {
  return {
    status: code === 'INTERNAL' ? 500 : 503,
    code,
    publicMessage: defaultMessage(code),
    ...(headers ? { headers } : {}),
    privateDetail: describe(err),
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
