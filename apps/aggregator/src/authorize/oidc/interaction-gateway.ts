import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OidcModelStore } from '../store/oidc-model-store.js';
import type { OperatorGrantRow } from '../store/operator-grant-store.js';
import type { OidcGrant, OidcProvider } from './oidc-provider-module.js';

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

/** What oidc-provider's `interactions.url` is given: the Interaction it has just saved. */
export interface InteractionDetails {
  readonly uid: string;
  readonly returnTo: string;
  readonly params: Record<string, unknown>;
  readonly prompt: { readonly details: Record<string, unknown> };
  readonly trusted?: readonly string[];
}

/** The request /auth is answering, and the Interaction oidc-provider has just saved for it. */
export interface InteractionStart {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly pending: PendingAuthorization;
  /** The interaction's resume URL (`/auth/{uid}`): where a flow that ended at once goes. */
  readonly returnTo: string;
}

/** Where /auth sends the browser, or the device address's operator-flow budget is spent. */
export type StartedLeg =
  { readonly url: string } | { readonly refused: { readonly retryAfterSeconds: number } };

/** Starts the operator leg of an interaction (http/operator-leg-start.ts). */
export type StartInteraction = (start: InteractionStart) => Promise<StartedLeg>;

export interface SignedIn {
  readonly accountId: string;
  readonly amr: string[] | undefined;
  readonly acr: string | undefined;
  readonly scope: string;
}

/** An aggregator Grant built but not yet stored: its id, stored form and expiry. */
export interface GrantDraft {
  readonly id: string;
  readonly payload: Record<string, unknown>;
  readonly expiresAt: Date;
}

/**
 * The key of an interaction result that carries the Grant it names, so resume builds the Grant
 * from the result instead of reading it back (create-oidc-provider.ts, loadExistingGrant).
 */
export const CARRIED_GRANT = 'switchboardGrant';

/** The app's request as the nested flow needs it, from the Interaction /auth has just saved. */
export function pendingAuthorization(interaction: InteractionDetails): PendingAuthorization {
  const p = interaction.params;
  return {
    uid: interaction.uid,
    clientId: String(p.client_id),
    scope: typeof p.scope === 'string' ? p.scope : '',
    promptNone: interaction.prompt.details.prompt_none === true,
    loginHint: typeof p.login_hint === 'string' ? p.login_hint : undefined,
    loginHintSigned: interaction.trusted?.includes('login_hint') ?? false,
  };
}

/**
 * Port for the flow onto oidc-provider's interaction API. No step of the flow reads the
 * interaction through its cookie (the operator leg starts in /auth itself, and the operator
 * callback comes back on another path), so the outcome is written on the Interaction row by
 * uid, as `interactionResult` would, without reading it.
 */
export function createInteractionGateway(
  provider: OidcProvider,
  resource: string,
  store: Pick<OidcModelStore, 'setInteractionResult' | 'completeOperatorLeg'>,
) {
  function newGrant(clientId: string, accountId: string, scope: string): OidcGrant {
    const grant = new provider.Grant({ accountId, clientId });
    const words = scope.split(' ').filter(Boolean);
    if (words.includes('openid')) grant.addOIDCScope('openid');
    const resourceScopes = words.filter((s) => s !== 'openid').join(' ');
    if (resourceScopes) grant.addResourceScope(resource, resourceScopes);
    return grant;
  }

  return {
    /** Creates the grant first so the operator token can be stored under its id (CIBA). */
    grantFor: (clientId: string, accountId: string, scope: string): Promise<string> =>
      newGrant(clientId, accountId, scope).save(),
    /** The grant the nested flow stores with the operator token and the result, at once. */
    async draftGrant(
      clientId: string,
      accountId: string,
      scope: string,
      id?: string,
    ): Promise<GrantDraft> {
      const grant = newGrant(clientId, accountId, scope);
      // `id`: the verification id (the interaction uid), carried to the token's `vid` claim.
      grant.jti = id ?? grant.generateTokenId();
      const { payload } = await grant.getValueAndPayload();
      return { id: grant.jti, payload, expiresAt: new Date(Number(payload.exp) * 1000) };
    },
    /** Grant, operator grant and the interaction's result in one write; the app's next hop. */
    signIn: (uid: string, grant: GrantDraft, operatorGrant: OperatorGrantRow, outcome: SignedIn) =>
      store.completeOperatorLeg({
        grant,
        operatorGrant,
        interactionUid: uid,
        result: {
          login: {
            accountId: outcome.accountId,
            ...(outcome.amr ? { amr: outcome.amr } : {}),
            ...(outcome.acr ? { acr: outcome.acr } : {}),
            remember: false,
          },
          consent: { grantId: grant.id },
          [CARRIED_GRANT]: grant.payload,
        },
      }),
    fail: (uid: string, error: string, description: string) =>
      store.setInteractionResult(uid, { error, error_description: description }),
  };
}

export type AuthorizationGateway = ReturnType<typeof createInteractionGateway>;
