import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';
import { messagePage, sendPage } from './pages.js';

/** An error on the operator's HTML pages, with a message safe to show. */
export class PageError extends Error {
  override readonly name = 'PageError';

  constructor(
    readonly status: number,
    readonly heading: string,
    message: string,
  ) {
    super(message);
  }
}

/** Renders PageErrors as pages; anything else is a 500 page and an error log line. */
export function pageErrorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof PageError) {
      return sendPage(res, err.status, err.heading, messagePage(err.heading, err.message));
    }
    logger.error('page failed', { error: (err as Error).message });
    sendPage(res, 500, 'Error', messagePage('Something went wrong', 'Please try again later.'));
  };
}
