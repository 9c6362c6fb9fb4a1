/** What the NV API needs to know about a presented access token. */
export interface AccessTokenInfo {
  readonly jti: string;
  readonly clientId: string;
  /** Pseudonymous subscriber id; absent on 2-legged (client_credentials) tokens. */
  readonly accountId: string | undefined;
  readonly scope: string;
  /** Authentication methods of the subscriber's authentication (OIDC `amr`). */
  readonly amr: ReadonlyArray<string>;
  /** Expiry, seconds since the epoch. */
  readonly expiresAt: number;
}

/** Port onto the authorization server's token store (implemented in `oidc/`). */
export interface AccessTokenReader {
  /** The token's facts, or undefined when unknown, revoked or issued for another audience. */
  read(value: string): Promise<AccessTokenInfo | undefined>;
  revoke(jti: string): Promise<void>;
}

/** Port for ending grants when a subscriber revokes consent (implemented in `oidc/`). */
export interface GrantRevoker {
  revoke(grantIds: ReadonlyArray<string>): Promise<void>;
}
