import type { KoaContext } from './oidc-provider-module.js';

/**
 * An outage that oidc-provider's own error handlers could not answer (e.g. the database failed
 * again while the resume endpoint's handler loaded the session) would reach koa's plain-text
 * default; the browser gets the same 503 page as the flow's own routes instead.
 */
export function outagePage(
  errorDocument: (error: string, description: string | undefined) => string,
) {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    try {
      await next();
    } catch (err) {
      if ((err as { error?: unknown } | null)?.error !== 'temporarily_unavailable') throw err;
      ctx.status = 503;
      ctx.set('retry-after', '30');
      ctx.type = 'html';
      ctx.body = errorDocument(
        'temporarily_unavailable',
        'Switchboard cannot complete this sign-in right now. Go back to the app and try again in a minute.',
      );
    }
  };
}
