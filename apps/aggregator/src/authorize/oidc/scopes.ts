import { API_SCOPES } from '@switchboard/camara';

const PURPOSE = /^dpv:[A-Za-z][A-Za-z0-9]*$/;

/** Every `dpv:` word of a scope string (ICM: exactly one purpose is allowed). */
export function purposesIn(scope: string): string[] {
  return scope.split(' ').filter((s) => s.startsWith('dpv:'));
}

/** The single well-formed purpose of a scope, else undefined. */
export function singlePurpose(scope: string): string | undefined {
  const purposes = purposesIn(scope);
  return purposes.length === 1 && PURPOSE.test(purposes[0]!) ? purposes[0] : undefined;
}

/**
 * The scope an app's AggregatorAccessToken may carry, of which oidc-provider keeps what was
 * requested: the request's one `dpv:` purpose (ICM) and the API scopes the app is allowed.
 * Refused (an `invalid_scope` description): no single purpose, and while `authorizing`, an
 * API scope the app is not allowed. At the token endpoint a scope an admin withdrew after
 * the authorization is left out of the token instead.
 */
export function appTokenScope(
  requested: string,
  allowed: readonly string[],
  authorizing: boolean,
): { scope: string } | { refusal: string } {
  const purpose = singlePurpose(requested);
  if (!purpose)
    return {
      refusal: `scope must name exactly one dpv: purpose, e.g. dpv:FraudPreventionAndDetection (found ${purposesIn(requested).length})`,
    };
  const apiScopes = API_SCOPES.filter((s) => allowed.includes(s));
  const refused = requested.split(' ').filter((s) => isApiScope(s) && !apiScopes.includes(s));
  if (authorizing && refused.length > 0)
    return { refusal: `this app may not request ${refused.join(' ')}` };
  return { scope: [purpose, ...apiScopes].join(' ') };
}

const isApiScope = (s: string): boolean => API_SCOPES.includes(s);
