import type { MachineResource } from '../authorize/oidc/create-oidc-provider.js';

/** The scope a client-credentials token needs for the telco finder API (GSMA OPG.10). */
export const TELCO_FINDER_SCOPE = 'telco-finder';

/** Seconds; finder tokens are minted per batch of lookups, not per user. */
export const TELCO_FINDER_TOKEN_TTL = 600;

/**
 * The finder's resource indicator (RFC 8707) and its tokens' `aud`: distinct from the
 * CAMARA audience so neither kind of token is accepted by the other API.
 */
export const telcoFinderAudience = (issuer: string) => `${issuer.replace(/\/+$/, '')}/telco-finder`;

/** What the token endpoint issues to a telco-finder client (client_credentials). */
export const telcoFinderResource = (issuer: string): MachineResource => ({
  audience: telcoFinderAudience(issuer),
  scope: TELCO_FINDER_SCOPE,
  ttl: TELCO_FINDER_TOKEN_TTL,
});
