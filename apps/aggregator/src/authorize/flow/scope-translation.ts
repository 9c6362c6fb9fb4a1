import { camaraStyleScope, hashStyleScope } from '@switchboard/camara';
import type { ScopeStyle } from '@switchboard/telco-finder';
import { singlePurpose } from '../oidc/scopes.js';

// Real operators spell the same request differently: CAMARA (ICM)
// `dpv:X number-verification:verify`, Telefónica/Vonage `dpv:X#number-verification-verify-read`;
// each API's names in both styles are declared with it (@switchboard/camara CAMARA_APIS).

/** The app's scope in the operator's style; `openid` always leads. */
export function translateScope(scope: string, style: ScopeStyle): string {
  const purpose = singlePurpose(scope);
  if (!purpose) throw new Error('scope without a single purpose reached the operator flow');
  const apiScopes = scope.split(' ').filter((s) => s && s !== 'openid' && !s.startsWith('dpv:'));
  if (style === 'dpv-hash') {
    const names = unique(apiScopes.map(hashStyleScope));
    return ['openid', ...names.map((s) => `${purpose}#${s}`)].join(' ');
  }
  return ['openid', purpose, ...unique(apiScopes.map(camaraStyleScope))].join(' ');
}

const unique = (values: string[]) => [...new Set(values)];
