/** The CAMARA API scopes an AggregatorAccessToken may carry (NV 2.1 and NV 0.3.1 names). */
export const API_SCOPES = [
  'number-verification:verify',
  'number-verification:device-phone-number:read',
  'number-verification-verify-read',
  'number-verification-share-read',
] as const;

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
