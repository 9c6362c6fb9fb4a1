// The nested-flow bench's anchor: one plain oidc-provider authorization-code flow hosted on the
// aggregator's own PostgreSQL adapter (the same store, pools and durability), in the
// aggregator's process. It costs what hosting one flow costs, the floor for the app-facing half
// of a nested verification. Login is silent (as an operator's network authentication), and each
// authorization gets a fresh grant, as the sandbox operators do.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { createAdapterClass } from '../apps/aggregator/src/authorize/oidc/knex-adapter.js';
import {
  loadOidcProvider,
  type OidcContext,
} from '../apps/aggregator/src/authorize/oidc/oidc-provider-module.js';
import type { OidcModelStore } from '../apps/aggregator/src/authorize/store/oidc-model-store.js';

export const ANCHOR_CLIENT = {
  clientId: 'anchor-tester',
  clientSecret: 'anchor-tester-secret-0123456789abcdef',
  redirectUri: 'http://127.0.0.1:3999/anchor-callback',
};
const RESOURCE = 'https://anchor.example/number-verification';
const API_SCOPES = 'dpv:ServiceProvision number-verification:verify';

export interface RunningAnchor {
  readonly issuer: string;
  close(): Promise<void>;
}

interface AnchorContext extends OidcContext {
  readonly oidc: OidcContext['oidc'] & {
    readonly provider: { Grant: new (init: { accountId: string; clientId: string }) => Grant };
    readonly session: {
      accountId?: string;
      loginAccount(o: { accountId: string }): void;
      grantIdFor(clientId: string, grantId: string): void;
    };
    entity(name: string, value: unknown): void;
  };
}

interface Grant {
  addOIDCScope(scope: string): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}

export async function startAnchor(store: OidcModelStore): Promise<RunningAnchor> {
  const oidc = await loadOidcProvider();
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { Prompt, Check } = oidc.interactionPolicy;
  const provider = new oidc.Provider(issuer, {
    adapter: createAdapterClass({
      store,
      clientMetadata: async (id) =>
        id === ANCHOR_CLIENT.clientId
          ? {
              client_id: id,
              client_secret: ANCHOR_CLIENT.clientSecret,
              redirect_uris: [ANCHOR_CLIENT.redirectUri],
              token_endpoint_auth_method: 'client_secret_basic',
            }
          : undefined,
      unavailable: (cause) => cause as Error,
    }),
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
    },
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'a1' }] },
    cookies: { keys: ['anchor-cookie-key-0123456789abcdef'] },
    responseTypes: ['code'],
    scopes: ['openid'],
    pkce: { required: () => true },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub }),
    }),
    expiresWithSession: async () => false,
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: API_SCOPES,
          audience: RESOURCE,
          accessTokenTTL: 300,
          accessTokenFormat: 'opaque',
        }),
      },
    },
    interactions: {
      url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}`,
      policy: [
        new Prompt(
          { name: 'login', requestable: false },
          new Check('silent', 'silent login', 'login_required', (ctx) => {
            const { oidc: o } = ctx as AnchorContext;
            o.session.loginAccount({ accountId: 'anchor-subscriber' });
            o.entity('Account', { accountId: 'anchor-subscriber', claims: async () => ({}) });
            return Check.NO_NEED_TO_PROMPT;
          }),
        ),
        new Prompt(
          { name: 'consent', requestable: true },
          new Check('grant', 'fresh grant', 'consent_required', async (ctx) => {
            const { oidc: o } = ctx as AnchorContext;
            const grant = new o.provider.Grant({
              accountId: o.session.accountId!,
              clientId: ANCHOR_CLIENT.clientId,
            });
            grant.addOIDCScope('openid');
            grant.addResourceScope(RESOURCE, API_SCOPES);
            o.session.grantIdFor(ANCHOR_CLIENT.clientId, await grant.save());
            o.entity('Grant', grant);
            return Check.NO_NEED_TO_PROMPT;
          }),
        ),
      ],
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
