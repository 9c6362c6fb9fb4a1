/**
 * The one module that touches oidc-provider's runtime API, which ships without type
 * declarations: it loads the package and describes the part of its surface we use.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export interface OidcGrant {
  readonly jti: string;
  addOIDCScope(scope: string): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}

export interface OidcInteraction {
  readonly uid: string;
  readonly exp: number;
  readonly returnTo: string;
  readonly params: Record<string, unknown>;
  /** Parameters that came from a verified signed request object. */
  readonly trusted?: string[];
  readonly prompt: { readonly name: string; readonly details: Record<string, unknown> };
  result?: Record<string, unknown>;
  save(ttlSeconds: number): Promise<string>;
}

export interface OidcCode {
  readonly grantId?: string;
  readonly scope?: string;
}

export interface OidcContext {
  readonly state: Record<string, unknown>;
  set(header: string, value: string): void;
  readonly oidc: {
    /** The endpoint being served, e.g. `token`, `authorization`. */
    readonly route?: string;
    readonly params?: Record<string, string | undefined>;
    readonly prompts: Set<string>;
    readonly result?: Record<string, unknown>;
    readonly client?: { readonly clientId: string };
    readonly entities: { readonly AuthorizationCode?: OidcCode };
  };
}

export interface OidcToken {
  readonly grantId?: string;
  readonly clientId?: string;
  readonly kind: string;
}

export interface OidcProvider {
  readonly issuer: string;
  readonly Grant: new (init: { accountId: string; clientId: string }) => OidcGrant;
  readonly Interaction: { find(uid: string): Promise<OidcInteraction | undefined> };
  callback(): RequestListener;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<OidcInteraction>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): void;
  /** A koa middleware run before oidc-provider's routes. */
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
}

/** The few koa context members a middleware of ours sets. */
export interface KoaContext {
  readonly path: string;
  status: number;
  type: string;
  body: unknown;
  set(header: string, value: string): void;
}

type ErrorClass = new (description?: string, options?: string | { cause?: unknown }) => Error;

export interface OidcProviderModule {
  Provider: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  errors: {
    InvalidScope: ErrorClass;
    InvalidTarget: ErrorClass;
    InvalidGrant: ErrorClass;
    TemporarilyUnavailable: ErrorClass;
    InvalidClientAuth: new () => Error;
  };
  interactionPolicy: {
    Prompt: new (options: { name: string; requestable: boolean }, ...checks: unknown[]) => unknown;
    Check: (new (
      reason: string,
      description: string,
      error: string,
      check: (ctx: OidcContext) => boolean | Promise<boolean>,
      details?: (ctx: OidcContext) => Record<string, unknown>,
    ) => unknown) & { REQUEST_PROMPT: true; NO_NEED_TO_PROMPT: false };
  };
}

// A non-literal specifier keeps TypeScript from looking for declarations the package lacks.
const PACKAGE: string = 'oidc-provider';

export async function loadOidcProvider(): Promise<OidcProviderModule> {
  return (await import(PACKAGE)) as OidcProviderModule;
}
