import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDatabaseUnavailable } from '@switchboard/db';
import type { AuthorizeObservation } from '../../verifications/authorize-observation.js';
import {
  pendingAuthorization,
  type InteractionDetails,
  type StartInteraction,
} from './interaction-gateway.js';
import type { KoaContext, OidcProviderModule } from './oidc-provider-module.js';

/**
 * oidc-provider's interaction cookie, which nothing here reads: /auth sends the browser to the
 * operator, not to an interaction page of ours, and the resume cookie binds the return.
 */
export const INTERACTION_COOKIE = 'sb_interaction';
const DROPPED = [`${INTERACTION_COOKIE}=`, `${INTERACTION_COOKIE}.sig=`];

/** The koa context `interactions.url` is called with, as far as it is used here. */
interface UrlContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  set(header: string, value: string): void;
}

/**
 * `interactions.url` (docs/adr/0006): /auth starts the operator leg and answers with the
 * operator's URL. A database outage, or the device address's spent operator-flow budget, is
 * `temporarily_unavailable` back to the app (oidc-provider has checked the client and its
 * redirect URI by then), the latter with `Retry-After` as /auth's own address limit does.
 */
export function operatorLegUrl(
  oidc: OidcProviderModule,
  startInteraction: StartInteraction,
  observation: AuthorizeObservation,
  unavailable: (cause: unknown) => Error,
) {
  return async (ctx: object, interaction: InteractionDetails): Promise<string> => {
    observation.interactionStarted(ctx, interaction.uid);
    const { req, res } = ctx as UrlContext;
    const started = await startInteraction({
      req,
      res,
      pending: pendingAuthorization(interaction),
      returnTo: interaction.returnTo,
    }).catch((err: unknown) => {
      throw isDatabaseUnavailable(err) ? unavailable(err) : err;
    });
    if ('url' in started) return started.url;
    const wait = started.refused.retryAfterSeconds;
    (ctx as UrlContext).set('retry-after', String(wait));
    throw Object.assign(
      new oidc.errors.TemporarilyUnavailable(
        `Too many sign-ins started from this network; try again in ${wait} seconds.`,
      ),
      { expose: true },
    );
  };
}

/**
 * oidc-provider sets its interaction cookie for the path of wherever `interactions.url` sends
 * the browser: here the operator's authorization path, on our host. Nothing reads it, so it is
 * not sent at all.
 */
export async function dropInteractionCookie(
  ctx: KoaContext,
  next: () => Promise<void>,
): Promise<void> {
  await next();
  const { res } = ctx as KoaContext & UrlContext;
  const lines = res.getHeader('set-cookie');
  if (!Array.isArray(lines)) return;
  const kept = lines.filter((l) => !DROPPED.some((prefix) => l.startsWith(prefix)));
  if (kept.length !== lines.length) res.setHeader('set-cookie', kept);
}
