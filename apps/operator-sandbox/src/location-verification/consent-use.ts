import {
  LOCATION_VERIFICATION_HASH_STYLE_SCOPE,
  LOCATION_VERIFICATION_SCOPE,
} from '@switchboard/camara';

/** What the consent page says the requested Location Verification scope lets the app do. */
export function locationVerificationUses(apiScopes: ReadonlyArray<string>): string[] {
  const asked = apiScopes.some(
    (s) => s === LOCATION_VERIFICATION_SCOPE || s === LOCATION_VERIFICATION_HASH_STYLE_SCOPE,
  );
  return asked
    ? ['check whether this mobile line is within an area it names (never learning the location)']
    : [];
}
