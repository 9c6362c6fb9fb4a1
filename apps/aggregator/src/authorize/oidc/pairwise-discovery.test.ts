import { describe, expect, it } from '@jest/globals';
import type { KoaContext } from './oidc-provider-module.js';
import { pairwiseDiscovery } from './pairwise-discovery.js';

const context = (path: string, body: unknown): KoaContext => ({
  path,
  status: 200,
  type: 'json',
  body,
  set: () => undefined,
});

describe('discovery advertises subject_types_supported ["public"] while sub is pairwise', () => {
  it('says pairwise in the discovery document, and leaves other answers alone', async () => {
    const answer = (ctx: KoaContext) => async () => {
      ctx.body = { ...(ctx.body as object), subject_types_supported: ['public'] };
    };
    for (const path of [
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
    ]) {
      const discovery = context(path, {});
      await pairwiseDiscovery()(discovery, answer(discovery));
      expect(discovery.body).toEqual({ subject_types_supported: ['pairwise'] });
    }
    const other = context('/jwks', { keys: [] });
    await pairwiseDiscovery()(other, answer(other));
    expect(other.body).toEqual({ keys: [], subject_types_supported: ['public'] });
  });
});
