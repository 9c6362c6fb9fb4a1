/**
 * The one module that touches oidc-provider's runtime API, which ships without type
 * declarations: it loads the package and describes the part of its surface we use.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export interface OidcGrant {
  jti: string;
  addOIDCScope(scope: string): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
  generateTokenId(): string;
  /** What `save` would hand the adapter (with `iat` and `exp`), without saving. */
  getValueAndPayload(): Promise<{ payload: Record<string, unknown> }>;
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

/** oidc-provider's BackchannelAuthenticationRequest (OIDC CIBA Core §7). */
export interface OidcBackchannelRequest {
  readonly jti: string;
  readonly accountId: string;
  readonly clientId: string;
  readonly scope?: string;
  readonly grantId?: string;
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
    readonly entities: {
      readonly AuthorizationCode?: OidcCode;
      readonly BackchannelAuthenticationRequest?: OidcBackchannelRequest;
    };
  };
}

export interface OidcToken {
  readonly grantId?: string;
  readonly clientId?: string;
  readonly kind: string;
}

export interface OidcProvider {
  readonly issuer: string;
  readonly Grant: (new (init: { accountId: string; clientId: string }) => OidcGrant) & {
    /** A Grant from its stored payload, as `find` builds it. */
    instantiate(payload: Record<string, unknown>): OidcGrant;
    find(id: string): Promise<OidcGrant | undefined>;
  };
  /** Replay detection of client assertions (`unique(iss, jti, exp)`), replaceable. */
  readonly ReplayDetection: object;
  readonly Interaction: { find(uid: string): Promise<OidcInteraction | undefined> };
  callback(): RequestListener;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<OidcInteraction>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  readonly BackchannelAuthenticationRequest: {
    find(
      id: string,
      options?: { ignoreExpiration?: boolean },
    ): Promise<OidcBackchannelRequest | undefined>;
  };
  /** OIDC CIBA: records the outcome (a grant id or an OAuth error) the next poll receives. */
  backchannelResult(
    request: string | OidcBackchannelRequest,
    result: string | Error,
    options?: { amr?: string[]; acr?: string },
  ): Promise<void>;
  registerGrantType(name: string, handler: GrantHandler, params?: ReadonlySet<string>): void;
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

/** A token endpoint grant handler, run once the client is authenticated. */
export type GrantHandler = (ctx: OidcContext) => Promise<void>;

export interface OidcProviderModule {
  Provider: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  errors: {
    InvalidScope: ErrorClass;
    InvalidTarget: ErrorClass;
    InvalidGrant: ErrorClass;
    TemporarilyUnavailable: ErrorClass;
    InvalidClientAuth: new () => Error;
    InvalidRequest: ErrorClass;
    InvalidRequestObject: ErrorClass;
    UnknownUserId: ErrorClass;
    AccessDenied: ErrorClass;
    SlowDown: ErrorClass;
    ExpiredToken: ErrorClass;
    /** Any OAuth error code (e.g. `server_error`). */
    CustomOIDCProviderError: new (error: string, description?: string) => Error;
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

/**
 * Replaces oidc-provider's replay check of client assertions (a find, then a save: two round
 * trips) with one atomic `spend` of the same id (SHA-256 of iss and jti, as the library names it).
 */
export function replaceReplayDetection(
  provider: OidcProvider,
  spend: (id: string, payload: Record<string, unknown>, ttlSeconds: number) => Promise<boolean>,
): void {
  Object.defineProperty(provider.ReplayDetection, 'unique', {
    configurable: true,
    value: async (iss: string, jti: string, exp: number) => {
      const id = createHash('sha256').update(`${iss}${jti}`).digest('base64url');
      const now = Math.floor(Date.now() / 1000);
      return spend(id, { iss, jti: id, kind: 'ReplayDetection', iat: now, exp }, exp - now);
    },
  });
}

// A non-literal specifier keeps TypeScript from looking for declarations the package lacks.
const PACKAGE: string = 'oidc-provider';

export async function loadOidcProvider(): Promise<OidcProviderModule> {
  return (await import(PACKAGE)) as OidcProviderModule;
}

// oidc-provider keeps its grant handlers in a private per-provider store; this internal
// module (pinned with the package version) is the one way to wrap a built-in grant.
const INTERNALS: string = 'oidc-provider/lib/helpers/weak_cache.js';

/** The handler oidc-provider registered for a grant type (e.g. CIBA's), to wrap it. */
export async function builtInGrantHandler(
  provider: OidcProvider,
  grantType: string,
): Promise<GrantHandler> {
  const { default: internals } = (await import(INTERNALS)) as {
    default: (p: OidcProvider) => { grantTypeHandlers: Map<string, GrantHandler> };
  };
  const handler = internals(provider).grantTypeHandlers.get(grantType);
  if (!handler) throw new Error(`oidc-provider has no handler for ${grantType}`);
  return handler;
}
