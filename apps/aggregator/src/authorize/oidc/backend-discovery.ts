import { JWT_BEARER_GRANT } from '../grant-types.js';
import { amendDiscovery } from './pairwise-discovery.js';

/**
 * RFC 8414 §2 `grant_types_supported`: the JWT-bearer grant (RFC 7523, ICM r4.2) is served
 * in front of oidc-provider (authorize/backend/token-front.ts, ADR 0004), which therefore does
 * not list it itself.
 */
export function backendDiscovery() {
  return amendDiscovery((doc) => {
    const grants = Array.isArray(doc.grant_types_supported) ? doc.grant_types_supported : [];
    if (!grants.includes(JWT_BEARER_GRANT))
      doc.grant_types_supported = [...grants, JWT_BEARER_GRANT];
  });
}
