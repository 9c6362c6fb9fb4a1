/**
 * The one module that touches oidc-provider's runtime API, which ships without type
 * declarations: it loads the package and describes the part of its surface we use.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export interface OidcSession {
  accountId?: string;
  loginAccount(details: {
    accountId: string;
    amr?: ReadonlyArray<string>;
    acr?: string;
    loginTs?: number;
  }): void;
  grantIdFor(clientId: string, value?: string): string | undefined;
}

export interface OidcGrant {
  readonly jti: string;
  readonly accountId: string;
  readonly clientId: string;
  addOIDCScope(scope: string): void;
  addResourceScope(resource: string, scope: string): void;
  getOIDCScopeEncountered(): string;
  getResourceScopeEncountered(resource: string): string;
  save(): Promise<string>;
  destroy(): Promise<void>;
}

export interface OidcToken {
  readonly jti: string;
  readonly clientId: string;
  readonly accountId?: string;
  readonly grantId?: string;
  readonly scope?: string;
  readonly aud?: string | string[];
  readonly exp: number;
  readonly extra?: Record<string, unknown>;
  readonly amr?: string[];
  destroy(): Promise<void>;
}

export interface TokenModel {
  find(value: string, options?: { ignoreExpiration?: boolean }): Promise<OidcToken | undefined>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** The part of a koa context our provider middleware reads. */
export interface KoaContext {
  readonly path: string;
  readonly method: string;
  status: number;
  body: unknown;
}

export interface OidcContext {
  readonly req: IncomingMessage;
  body?: unknown;
  readonly oidc: {
    readonly params: Record<string, string | undefined>;
    readonly client: { readonly clientId: string };
    readonly route?: string;
    readonly session: OidcSession;
    readonly grant?: OidcGrant;
    readonly resourceServers: Record<string, { readonly scopes: Set<string> }>;
    readonly entities: { readonly AuthorizationCode?: OidcToken };
    readonly provider: OidcProvider;
    entity(name: 'Account' | 'Grant', value: unknown): void;
  };
}

export interface InteractionDetails {
  readonly uid: string;
  readonly prompt: { readonly name: string; readonly reasons: ReadonlyArray<string> };
  readonly params: Record<string, unknown>;
  readonly session?: { readonly accountId?: string };
}

/** A CIBA request as oidc-provider stores it (`jti` is the `auth_req_id`). */
export interface OidcBackchannelRequest {
  readonly jti: string;
  readonly accountId: string;
  readonly clientId: string;
  readonly scope?: string;
}

export interface OidcProvider {
  readonly issuer: string;
  readonly Grant: {
    new (init: { accountId: string; clientId: string }): OidcGrant;
    find(id: string): Promise<OidcGrant | undefined>;
  };
  readonly ClientCredentials: TokenModel;
  readonly Client: { find(id: string): Promise<{ readonly clientName?: string } | undefined> };
  readonly BackchannelAuthenticationRequest: {
    find(id: string): Promise<OidcBackchannelRequest | undefined>;
  };
  readonly AccessToken: TokenModel & {
    new (init: Record<string, unknown>): { save(): Promise<string>; readonly expiration: number };
  };
  backchannelResult(
    request: OidcBackchannelRequest | string,
    result: OidcGrant | string | Error,
    details?: { acr?: string; amr?: string[] },
  ): Promise<void>;
  registerGrantType(
    name: string,
    handler: (ctx: OidcContext) => Promise<void>,
    params?: ReadonlySet<string>,
    dupes?: ReadonlySet<string>,
  ): void;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  callback(): RequestListener;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

type ErrorClass = new (description?: string, detail?: string) => Error;

export interface PromptApi {
  Prompt: new (options: { name: string; requestable: boolean }, ...checks: unknown[]) => unknown;
  Check: (new (
    reason: string,
    description: string,
    error: string,
    check: (ctx: OidcContext) => boolean | Promise<boolean>,
  ) => unknown) & { REQUEST_PROMPT: true; NO_NEED_TO_PROMPT: false };
}

export interface OidcProviderModule {
  Provider: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  errors: {
    AccessDenied: ErrorClass;
    InvalidScope: ErrorClass;
    InvalidTarget: ErrorClass;
    InvalidClientAuth: new () => Error;
    InvalidRequest: ErrorClass;
    InvalidGrant: ErrorClass;
    UnknownUserId: ErrorClass;
    ExpiredToken: ErrorClass;
    SlowDown: ErrorClass;
    UnsupportedGrantType: ErrorClass;
  };
  interactionPolicy: PromptApi;
}

// A non-literal specifier keeps TypeScript from looking for declarations the package lacks.
const PACKAGE: string = 'oidc-provider';

export async function loadOidcProvider(): Promise<OidcProviderModule> {
  return (await import(PACKAGE)) as OidcProviderModule;
}
