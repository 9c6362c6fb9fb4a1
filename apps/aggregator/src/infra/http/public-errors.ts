import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@switchboard/telco-finder';
import { toAdminError } from '../../admin/admin-errors.js';
import { errorPage } from './error-page.js';

// The public listener's last resort. Its APIs answer their own errors (CAMARA, OAuth); what
// reaches here is an unknown path or a failure nobody mapped. Browsers in the middle of a
// sign-in get a page they can act on, API clients the CAMARA shape; never a stack trace.

export const publicNotFound: RequestHandler = (req, res) => {
  res.status(404).json({
    status: 404,
    code: 'NOT_FOUND',
    message: `no such endpoint: ${req.method} ${req.path}`,
  });
};

export function publicErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    const out = toAdminError(err);
    if (out.status >= 500)
      logger.error('public request failed', {
        path: req.path,
        err: String((err as Error)?.stack ?? err),
      });
    if (res.headersSent) return next(err);
    if (req.accepts(['json', 'html']) === 'html') {
      const description =
        out.status >= 500
          ? 'Something went wrong on our side. Go back to the app and try again.'
          : out.message;
      const error = out.status >= 500 ? 'server_error' : 'invalid_request';
      return void res.status(out.status).type('html').send(errorPage(error, description));
    }
    res.status(out.status).json({ status: out.status, code: out.code, message: out.message });
  };
}
