import { camaraError } from '@switchboard/camara';
import type { Clock } from '../clock.js';
import type { AccessTokenInfo, AccessTokenReader } from './access-token-reader.js';

/**
 * The presented access token's facts; 401 UNAUTHENTICATED for a missing, unknown, revoked or
 * expired token, or one `rejected` refuses (e.g. already spent).
 */
export async function authenticateBearer(
  deps: { readonly tokens: AccessTokenReader; readonly clock: Clock },
  value: string | undefined,
  rejected: (token: AccessTokenInfo) => boolean = () => false,
): Promise<AccessTokenInfo> {
  const token = value ? await deps.tokens.read(value) : undefined;
  const now = Math.floor(deps.clock.now() / 1000);
  if (!token || token.expiresAt <= now || rejected(token)) throw camaraError('UNAUTHENTICATED');
  return token;
}

/**
 * Whether `scope` grants one of `names`, alone (camara style, `sim-swap:check`) or after a
 * purpose (`dpv:<Purpose>#sim-swap-check`).
 */
export function grantsScope(scope: string, names: ReadonlyArray<string>): boolean {
  return scope.split(' ').some((value) => names.includes(value.slice(value.indexOf('#') + 1)));
}
