/** Why the simulated handset refused: the codes the OS dialog's caller (the app) sees. */
export type HandsetErrorCode =
  /** The aggregator's root certificate is not allowlisted for the carrier of any SIM (guide Appendix B.1). */
  | 'aggregator_not_allowlisted'
  /** The DCQL credential or its credential_authorization_jwt is malformed or does not verify. */
  | 'invalid_credential_request'
  /** The handset has no SIM the request could use, or the chosen slot is not eligible. */
  | 'no_eligible_sim'
  /** The TS.43 entitlement server refused or could not be reached. */
  | 'entitlement_failed'
  /** createHandset / telephonyPkiFromJson got options it cannot work with. */
  | 'invalid_options';

export class HandsetError extends Error {
  override readonly name = 'HandsetError';
  constructor(
    readonly code: HandsetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
