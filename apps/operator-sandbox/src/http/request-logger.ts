import type { NextFunction, Request, Response } from 'express';
import { maskAddress, type Logger } from '../logger.js';

/** One line per request: path without the query (it may carry login_hint), masked source. */
export function requestLogger(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.info('request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
        source: maskAddress(req.socket.remoteAddress),
        correlator: res.getHeader('x-correlator'),
      });
    });
    next();
  };
}
