import { camaraError } from '@switchboard/camara';
import { requireValue, type ProxyContext } from '../proxy-context.js';

/** The token must carry every scope the operation requires (CAMARA: 403 PERMISSION_DENIED). */
export function checkScope(ctx: ProxyContext): void {
  const claims = requireValue(ctx.claims, 'claims');
  const operation = requireValue(ctx.operation, 'operation');
  const missing = operation.requiredScopes.filter((s) => !claims.scope.includes(s));
  if (missing.length > 0) {
    throw camaraError(
      'PERMISSION_DENIED',
      `The access token lacks the scope ${missing.join(' ')}.`,
    );
  }
}
