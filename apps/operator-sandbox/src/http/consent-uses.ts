import { KYC_MATCH_SCOPE, grantedOperations } from '@switchboard/camara';
import { KYC_MATCH_USE } from '../kyc-match/kyc-match-service.js';
import { locationVerificationUses } from '../location-verification/consent-use.js';
import { simSwapUses } from '../simswap/sim-swap-consent.js';

const NV_USES = {
  verify: 'check whether a phone number it already has is the number of this mobile line',
  'device-phone-number': 'learn the phone number of this mobile line',
} as const;

/** What a client may do with these API scopes, in the subscriber's words (consent pages). */
export function consentUses(apiScopes: ReadonlyArray<string>): string[] {
  return [
    ...[...grantedOperations(apiScopes.join(' '))].map((op) => NV_USES[op]),
    ...(apiScopes.includes(KYC_MATCH_SCOPE) ? [KYC_MATCH_USE] : []),
    ...locationVerificationUses(apiScopes),
    ...simSwapUses(apiScopes),
  ];
}
