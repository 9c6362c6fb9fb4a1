import { describe, expect, it } from '@jest/globals';
import type { KoaContext } from './oidc-provider-module.js';
import { outagePage } from './outage-page.js';

function context() {
  const headers: Record<string, string> = {};
  const ctx: KoaContext = {
    path: '/interaction/uid/resume',
    status: 404,
    type: '',
    body: undefined,
    set: (h, v) => (headers[h] = v),
  };
  return { ctx, headers };
}
const page = (error: string, description: string | undefined) =>
  `<code>${error}</code>${description}`;

describe('outage page', () => {
  it('answers an unhandled temporarily_unavailable with a 503 page', async () => {
    const { ctx, headers } = context();
    await outagePage(page)(ctx, async () => {
      throw Object.assign(new Error('temporarily_unavailable'), {
        error: 'temporarily_unavailable',
      });
    });
    expect(ctx.status).toBe(503);
    expect(ctx.type).toBe('html');
    expect(String(ctx.body)).toContain('<code>temporarily_unavailable</code>');
    expect(headers['retry-after']).toBe('30');
  });

  it('leaves every other error to oidc-provider and koa', async () => {
    const { ctx } = context();
    const boom = Object.assign(new Error('server_error'), { error: 'server_error' });
    await expect(
      outagePage(page)(ctx, async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(ctx.status).toBe(404);
  });
});
