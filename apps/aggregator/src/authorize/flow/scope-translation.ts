import type { ScopeStyle } from '@switchboard/telco-finder';
import { singlePurpose } from '../oidc/scopes.js';

// Real operators spell the same request differently (design: scope styles): CAMARA
// `dpv:X number-verification:verify`, Telefónica/Vonage `dpv:X#number-verification-verify-read`.
const TO_V0: Record<string, string> = {
  'number-verification:verify': 'number-verification-verify-read',
  'number-verification:device-phone-number:read': 'number-verification-share-read',
};
const TO_V2: Record<string, string> = Object.fromEntries(
  Object.entries(TO_V0).map(([v2, v0]) => [v0, v2]),
);

/** The app's scope in the operator's style; `openid` always leads. */
export function translateScope(scope: string, style: ScopeStyle): string {
  const purpose = singlePurpose(scope);
  if (!purpose) throw new Error('scope without a single purpose reached the operator flow');
  const apiScopes = scope.split(' ').filter((s) => s && s !== 'openid' && !s.startsWith('dpv:'));
  if (style === 'dpv-hash') {
    const names = unique(apiScopes.map((s) => TO_V0[s] ?? s));
    return ['openid', ...names.map((s) => `${purpose}#${s}`)].join(' ');
  }
  return ['openid', purpose, ...unique(apiScopes.map((s) => TO_V2[s] ?? s))].join(' ');
}

const unique = (values: string[]) => [...new Set(values)];
