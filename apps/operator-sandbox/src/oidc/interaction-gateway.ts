import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OidcProvider } from './oidc-provider-module.js';

/** What the consent page needs to know about a paused authorization request. */
export interface InteractionView {
  readonly uid: string;
  readonly prompt: string;
  readonly clientId: string;
  readonly clientName: string;
  readonly scope: string | undefined;
  /** The network-identified subscriber the request was paused for. */
  readonly accountId: string | undefined;
}

export type InteractionOutcome =
  { readonly kind: 'consented' } | { readonly kind: 'denied'; readonly description: string };

/** Port for the http layer onto oidc-provider's interaction API (no express here). */
export interface InteractionGateway {
  /** Throws when the interaction is unknown, expired or not this browser's. */
  details(req: IncomingMessage, res: ServerResponse): Promise<InteractionView>;
  /** Resumes the authorization request, answering with the redirect. */
  finish(req: IncomingMessage, res: ServerResponse, outcome: InteractionOutcome): Promise<void>;
}

export function createInteractionGateway(provider: OidcProvider): InteractionGateway {
  return {
    async details(req, res) {
      const interaction = await provider.interactionDetails(req, res);
      const clientId = String(interaction.params.client_id);
      const client = await provider.Client.find(clientId);
      const scope = interaction.params.scope;
      return {
        uid: interaction.uid,
        prompt: interaction.prompt.name,
        clientId,
        clientName: client?.clientName ?? clientId,
        scope: typeof scope === 'string' ? scope : undefined,
        accountId: interaction.session?.accountId,
      };
    },
    async finish(req, res, outcome) {
      // The consent is recorded in the consent master; the resumed request's checks
      // then issue the grant, so an empty `consent` result is enough here.
      const result =
        outcome.kind === 'consented'
          ? { consent: {} }
          : { error: 'access_denied', error_description: outcome.description };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    },
  };
}
