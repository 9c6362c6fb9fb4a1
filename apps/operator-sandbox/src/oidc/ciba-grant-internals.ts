/**
 * Touches oidc-provider internals (lib/actions/grants/ciba.js, lib/helpers/grants.js):
 * the only way to run a check of ours inside its CIBA token grant, after client
 * authentication, is to register that grant's handler again wrapped in it. Pinned by the
 * CIBA integration tests (backend-authorization.int.test.ts).
 */
import type { OidcContext, OidcProvider } from './oidc-provider-module.js';

interface CibaGrantModule {
  handler: (provider: OidcProvider, helpers: unknown, ctx: OidcContext) => Promise<void>;
  parameters: ReadonlySet<string>;
  grantType: string;
}

// Non-literal specifiers keep TypeScript from looking for declarations the package lacks.
const CIBA_GRANT_MODULE: string = 'oidc-provider/lib/actions/grants/ciba.js';
const GRANT_HELPERS_MODULE: string = 'oidc-provider/lib/helpers/grants.js';

/** Re-registers the CIBA grant so `before(ctx)` runs ahead of the library's handler. */
export async function wrapCibaGrant(
  provider: OidcProvider,
  before: (ctx: OidcContext) => void,
): Promise<void> {
  const ciba = (await import(CIBA_GRANT_MODULE)) as CibaGrantModule;
  const helpers = (await import(GRANT_HELPERS_MODULE)) as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  // As oidc-provider's initialize_app binds them.
  const bound = Object.fromEntries(
    Object.entries(helpers).map(([name, helper]) => [name, helper.bind(undefined, provider)]),
  );
  // With resource indicators enabled the grant also takes `resource` (initialize_app.js).
  provider.registerGrantType(
    ciba.grantType,
    async (ctx) => {
      before(ctx);
      await ciba.handler(provider, bound, ctx);
    },
    new Set([...ciba.parameters, 'resource']),
    new Set(['resource']),
  );
}
