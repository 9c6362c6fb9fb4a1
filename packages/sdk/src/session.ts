/** The result of a completed flow: a short-lived (≤ 300 s), often single-use access token. */
export interface VerificationSession {
  readonly accessToken: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly scope: string;
  /**
   * Validated ID token claims: `sub` is a pseudonym, never the number; `amr` shows network
   * auth. Empty when the token response had no ID token (JWT-bearer).
   */
  readonly idTokenClaims: Record<string, unknown>;
}

/** What openid-client returns from a token request (only what a session needs). */
export interface TokenResponse {
  readonly access_token: string;
  readonly scope?: string;
  expiresIn(): number | undefined;
  claims(): Record<string, unknown> | undefined;
}

/** A session from a token response; `scope` when the server did not echo the scope granted. */
export function toSession(tokens: TokenResponse, scope: string, now: number): VerificationSession {
  const claims = tokens.claims();
  return {
    accessToken: tokens.access_token,
    expiresAt: now + (tokens.expiresIn() ?? 300) * 1000,
    scope: tokens.scope ?? scope,
    idTokenClaims: claims ? { ...claims } : {},
  };
}
