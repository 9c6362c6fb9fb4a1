import type { ConsentService } from '../services/consent-service.js';
import {
  NETWORK_AUTHENTICATION_ACR,
  NETWORK_AUTHENTICATION_AMR,
} from '../services/network-authentication.js';
import type { NetworkIdentifier } from '../services/network-identifier.js';
import type { PurposePolicy, PurposeRequest } from '../services/purpose-policy.js';
import type { OidcContext, OidcProviderModule } from './oidc-provider-module.js';

export interface AuthorizationPolicyDeps {
  readonly oidc: Pick<OidcProviderModule, 'errors' | 'interactionPolicy'>;
  readonly network: NetworkIdentifier;
  readonly purposes: PurposePolicy;
  readonly consents: ConsentService;
  /** The NV API's resource indicator (the default resource; CAMARA clients send none). */
  readonly resource: string;
}

export const NOT_IDENTIFIED =
  'the device was not identified on the mobile network; connect over mobile data, not Wi-Fi';

/** The account entity oidc-provider expects from `findAccount`; `sub` is the pseudonym. */
export function accountEntity(accountId: string) {
  return { accountId, claims: async () => ({ sub: accountId }) };
}

/**
 * The authorization endpoint as the operator runs it (seed Annex steps 7–12), as an
 * oidc-provider interaction policy:
 * 1. purpose  — the scope names exactly one known `dpv:` purpose (else `invalid_scope`);
 * 2. login    — network-based authentication of the connection, never a form
 *               (else `access_denied`); it works under `prompt=none` because it is silent;
 * 3. consent  — the purpose's lawful basis; consent missing → the consent page, or
 *               `consent_required` under `prompt=none`.
 * Checks throw the OAuth errors that end the flow with an error redirect.
 */
export function createAuthorizationPolicy(deps: AuthorizationPolicyDeps): unknown[] {
  const { Prompt } = deps.oidc.interactionPolicy;
  return [
    new Prompt({ name: 'purpose', requestable: false }, purposeCheck(deps)),
    new Prompt({ name: 'login', requestable: false }, networkCheck(deps)),
    new Prompt({ name: 'consent', requestable: true }, consentCheck(deps)),
  ];
}

function purposeOf(deps: AuthorizationPolicyDeps, ctx: OidcContext): PurposeRequest {
  const result = deps.purposes.check(ctx.oidc.params.scope);
  if (!result.ok) throw new deps.oidc.errors.InvalidScope(result.reason, ctx.oidc.params.scope);
  return result.request;
}

function purposeCheck(deps: AuthorizationPolicyDeps) {
  const { Check } = deps.oidc.interactionPolicy;
  return new Check('purpose', 'exactly one known purpose', 'invalid_scope', (ctx) => {
    purposeOf(deps, ctx);
    return Check.NO_NEED_TO_PROMPT;
  });
}

function networkCheck(deps: AuthorizationPolicyDeps) {
  const { Check } = deps.oidc.interactionPolicy;
  return new Check('network_authentication', NOT_IDENTIFIED, 'access_denied', async (ctx) => {
    const { req, oidc } = ctx;
    const subscriber = await deps.network.identify({
      remoteAddress: req.socket.remoteAddress,
      headers: req.headers,
    });
    if (!subscriber) throw new deps.oidc.errors.AccessDenied(NOT_IDENTIFIED);
    // Every authorization re-identifies the connection: a browser session says nothing
    // about which line the device uses now.
    oidc.session.loginAccount({
      accountId: subscriber.accountId,
      amr: NETWORK_AUTHENTICATION_AMR,
      acr: NETWORK_AUTHENTICATION_ACR,
    });
    oidc.entity('Account', accountEntity(subscriber.accountId));
    return Check.NO_NEED_TO_PROMPT;
  });
}

function consentCheck(deps: AuthorizationPolicyDeps) {
  const { Check } = deps.oidc.interactionPolicy;
  const description = 'the subscriber has not consented to this purpose';
  return new Check('purpose_consent', description, 'consent_required', async (ctx) => {
    const request = purposeOf(deps, ctx);
    const accountId = ctx.oidc.session.accountId!;
    const { clientId } = ctx.oidc.client;
    const state = deps.consents.state(accountId, clientId, request.purpose, request.basis);
    if (state === 'missing') return Check.REQUEST_PROMPT;
    const grantId = await issueGrant(ctx, accountId, deps.resource);
    if (state === 'given')
      await deps.consents.attachGrant(accountId, clientId, request.purpose, grantId);
    return Check.NO_NEED_TO_PROMPT;
  });
}

/**
 * A fresh grant per authorization holding exactly the requested scopes, so revoking a
 * purpose's consent ends that purpose's tokens and nothing else.
 */
async function issueGrant(ctx: OidcContext, accountId: string, resource: string): Promise<string> {
  const { oidc } = ctx;
  const grant = new oidc.provider.Grant({ accountId, clientId: oidc.client.clientId });
  const requested = (oidc.params.scope ?? '').split(' ');
  const resourceScopes = oidc.resourceServers[resource]?.scopes ?? new Set<string>();
  if (requested.includes('openid')) grant.addOIDCScope('openid');
  grant.addResourceScope(resource, requested.filter((s) => resourceScopes.has(s)).join(' '));
  const grantId = await grant.save();
  oidc.session.grantIdFor(oidc.client.clientId, grantId);
  oidc.entity('Grant', grant);
  return grantId;
}
