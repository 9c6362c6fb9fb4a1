import { randomUUID } from 'node:crypto';
import { X_CORRELATOR_HEADER, X_CORRELATOR_PATTERN } from '@switchboard/camara';
import type { VerificationObserver } from './verification-observer.js';

/** The parts of oidc-provider's (Koa) context the observation reads. */
interface ProviderContext {
  get?(header: string): string;
  oidc?: {
    route?: string;
    client?: { clientId: string };
    entities?: { Interaction?: { uid: string; result?: { error?: unknown } } };
    params?: Record<string, unknown>;
  };
}

/** The token oidc-provider is about to issue (its `extraTokenClaims` argument). */
interface IssuingToken {
  kind?: string;
  jti?: string;
  clientId?: string;
  grantId?: string;
}

const correlatorOf = (ctx: ProviderContext): string | undefined => {
  const value = ctx.get?.(X_CORRELATOR_HEADER);
  return value && X_CORRELATOR_PATTERN.test(value) ? value : undefined;
};

/**
 * The first and last steps of a browser verification happen inside oidc-provider: `authorize`
 * when /authorize accepts the request and starts an interaction (its uid is the verification
 * id), `token` when /token mints the AggregatorAccessToken (the grant is named after the
 * verification, and the token carries it as `vid` to the proxy).
 */
export function createAuthorizeObservation(observer: VerificationObserver) {
  const started = new WeakMap<object, number>();
  const startedAt = (ctx: object) => started.get(ctx) ?? Date.now();
  return {
    /** Koa middleware: when the request arrived. */
    async stamp(ctx: object, next: () => Promise<unknown>): Promise<void> {
      started.set(ctx, Date.now());
      await next();
    },
    /** `interactions.url`: /authorize accepted the app's request. */
    interactionStarted(ctx: ProviderContext, uid: string): void {
      const clientId = ctx.oidc?.client?.clientId;
      if (!clientId) return;
      observer.adopt(uid, ctx.get?.('traceparent'));
      observer.step({
        verificationId: uid,
        step: 'authorize',
        clientId,
        startedAt: startedAt(ctx),
        correlator: correlatorOf(ctx),
      });
    },
    /**
     * `authorization.error`: /authorize refused the request, or on resume the provider refused
     * what the operator round-trip led to (e.g. a scope the app may not have). A resume that
     * only carries the error our flow set was recorded at its step already.
     */
    authorizationError(context: unknown, err: unknown): void {
      const ctx = context as ProviderContext;
      const clientId = ctx.oidc?.client?.clientId;
      const interaction = ctx.oidc?.entities?.Interaction;
      const route = ctx.oidc?.route;
      if (!clientId || (route !== 'authorization' && route !== 'resume')) return;
      if (route === 'resume' && (!interaction || interaction.result?.error !== undefined)) return;
      const e = err as { error?: unknown; error_description?: unknown };
      observer.step({
        verificationId: route === 'resume' ? interaction!.uid : randomUUID(),
        step: 'authorize',
        clientId,
        startedAt: startedAt(ctx),
        correlator: correlatorOf(ctx),
        error: {
          code: typeof e.error === 'string' ? e.error : 'server_error',
          description: typeof e.error_description === 'string' ? e.error_description : undefined,
        },
      });
    },
    /** `extraTokenClaims` of an app's token: the `token` step, and the `vid` claim. */
    tokenIssued(ctx: ProviderContext, token: IssuingToken, operatorId: string): { vid: string } {
      const vid = token.grantId!;
      observer.step({
        verificationId: vid,
        step: 'token',
        clientId: token.clientId ?? ctx.oidc?.client?.clientId ?? 'unknown',
        operatorId,
        startedAt: startedAt(ctx),
        correlator: correlatorOf(ctx),
        tokenJti: token.jti,
      });
      return { vid };
    },
  };
}

export type AuthorizeObservation = ReturnType<typeof createAuthorizeObservation>;
