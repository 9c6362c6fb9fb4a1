import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  ConflictError,
  InputError,
  NotFoundError,
  UpstreamError,
  type ErrorDetail,
} from '@switchboard/telco-finder';
import type { Logger } from '@switchboard/telco-finder';

/** The admin API's error body: the CAMARA shape, plus line/field details for bad input. */
export interface AdminErrorBody {
  status: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function toAdminError(err: unknown): AdminErrorBody {
  if (err instanceof InputError) return body(400, 'INVALID_ARGUMENT', err.message, err.details);
  if (err instanceof NotFoundError) return body(404, 'NOT_FOUND', err.message);
  if (err instanceof ConflictError) return body(409, 'CONFLICT', err.message, err.details);
  if (err instanceof HttpError) return body(err.status, err.code, err.message);
  // An operator's endpoint failed: the admin needs to know why, so the message is kept.
  if (err instanceof UpstreamError) return body(502, 'BAD_GATEWAY', err.message, err.details);
  const e = err as { type?: string; status?: number; message?: string };
  // body-parser's errors: malformed JSON, too large, wrong charset.
  if (e?.type === 'entity.parse.failed')
    return body(400, 'INVALID_ARGUMENT', 'request body is not valid JSON');
  if (e?.type === 'entity.too.large')
    return body(413, 'INVALID_ARGUMENT', 'request body is too large');
  return body(500, 'INTERNAL', 'internal error');
}

function body(
  status: number,
  code: string,
  message: string,
  details?: ErrorDetail[],
): AdminErrorBody {
  return details && details.length > 0
    ? { status, code, message, details }
    : { status, code, message };
}

export function adminErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const out = toAdminError(err);
    // Nothing from the cause leaks on a 5xx; it goes to the log instead.
    if (out.status >= 500)
      logger.error('admin request failed', {
        path: req.path,
        err: String((err as Error)?.stack ?? err),
      });
    res.status(out.status).json(out);
  };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({
    status: 404,
    code: 'NOT_FOUND',
    message: `no such admin endpoint: ${req.method} ${req.path}`,
  });
};
