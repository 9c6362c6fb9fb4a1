import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OidcProvider } from './oidc-provider-module.js';

/** A paused authorization request of an app, as the nested flow needs it. */
export interface PendingAuthorization {
  readonly uid: string;
  readonly clientId: string;
  readonly scope: string;
  /** The app sent prompt=none: the operator must not show any page either. */
  readonly promptNone: boolean;
  readonly loginHint: string | undefined;
  /** The login_hint came from a signed request object (ICM: needed for `ipport:`). */
  readonly loginHintSigned: boolean;
}

export interface SignedIn {
  readonly accountId: string;
  readonly amr: string[] | undefined;
  readonly acr: string | undefined;
  readonly scope: string;
}

/**
 * Port for the flow onto oidc-provider's interaction API. The operator callback arrives
 * without the `_interaction` cookie (its path is the interaction's), so the outcome is
 * recorded on the Interaction found by uid, as `interactionResult` would.
 */
export function createInteractionGateway(provider: OidcProvider, resource: string) {
  async function finish(uid: string, result: Record<string, unknown>) {
    const interaction = await provider.Interaction.find(uid);
    if (!interaction) return undefined;
    interaction.result = result;
    await interaction.save(Math.max(interaction.exp - Math.floor(Date.now() / 1000), 1));
    return interaction.returnTo;
  }

  return {
    async pending(req: IncomingMessage, res: ServerResponse): Promise<PendingAuthorization> {
      const interaction = await provider.interactionDetails(req, res);
      const p = interaction.params;
      return {
        uid: interaction.uid,
        clientId: String(p.client_id),
        scope: typeof p.scope === 'string' ? p.scope : '',
        promptNone: interaction.prompt.details.prompt_none === true,
        loginHint: typeof p.login_hint === 'string' ? p.login_hint : undefined,
        loginHintSigned: interaction.trusted?.includes('login_hint') ?? false,
      };
    },
    /** Creates the grant first so the operator token can be stored under its id. */
    async grantFor(
      clientId: string,
      accountId: string,
      scope: string,
      id?: string,
    ): Promise<string> {
      // `id`: the verification id (the interaction uid), carried to the token's `vid` claim.
      const grant = new provider.Grant({ accountId, clientId, ...(id ? { jti: id } : {}) });
      const words = scope.split(' ').filter(Boolean);
      if (words.includes('openid')) grant.addOIDCScope('openid');
      const resourceScopes = words.filter((s) => s !== 'openid').join(' ');
      if (resourceScopes) grant.addResourceScope(resource, resourceScopes);
      return grant.save();
    },
    signIn: (uid: string, grantId: string, outcome: SignedIn) =>
      finish(uid, {
        login: {
          accountId: outcome.accountId,
          ...(outcome.amr ? { amr: outcome.amr } : {}),
          ...(outcome.acr ? { acr: outcome.acr } : {}),
          remember: false,
        },
        consent: { grantId },
      }),
    fail: (uid: string, error: string, description: string) =>
      finish(uid, { error, error_description: description }),
  };
}

export type AuthorizationGateway = ReturnType<typeof createInteractionGateway>;
