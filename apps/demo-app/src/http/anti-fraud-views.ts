import type { KycMatchFields, KycMatchResult, SimSwapDate } from '@switchboard/sdk';
import type { ResultView } from './outcome.js';

/** A SIM changed more recently than this holds a transfer for a call from the bank. */
export const SIM_SWAP_HOLD_HOURS = 72;

const none = { advice: [], offerConsent: false, reference: undefined } as const;

/** "30 minutes", "5 hours", "2 days": how long ago, in the largest whole unit. */
export function ago(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const [value, unit] =
    minutes < 120
      ? [minutes, 'minute']
      : minutes < 2880
        ? [Math.round(minutes / 60), 'hour']
        : [Math.round(minutes / 1440), 'day'];
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}

/**
 * The transfer decision a person understands: the number is the device's (Number
 * Verification) and its SIM has not just changed (SIM Swap), or the transfer is held.
 */
export function transferDecisionView(
  phoneNumber: string,
  swap: SimSwapDate,
  now: number,
): ResultView {
  const changed = swap.latestSimChange?.getTime();
  if (changed !== undefined && now - changed < SIM_SWAP_HOLD_HOURS * 3_600_000) {
    const when = ago(now - changed);
    return {
      status: 'held',
      title: 'Transfer held',
      message: `Held: the SIM card of ${phoneNumber} changed ${when} ago. A changed SIM is how fraudsters take over a number, so we will call you before sending the money.`,
      advice: [
        'If you changed your SIM yourself, wait for our call or visit a branch.',
        'If you did not, call your mobile operator now: someone may have taken over your number.',
      ],
      offerConsent: false,
      reference: undefined,
    };
  }
  return {
    status: 'verified',
    title: 'Transfer approved',
    message: `Approved: your mobile network confirmed ${phoneNumber}, and its SIM card has not changed recently. The transfer is on its way.`,
    ...none,
  };
}

/** The fields of the "Check details" form, with the labels the page shows. */
export const KYC_FIELDS = [
  ['givenName', 'Given name'],
  ['familyName', 'Family name'],
  ['streetName', 'Street'],
  ['streetNumber', 'Number'],
  ['postalCode', 'Postal code'],
  ['locality', 'Town or city'],
  ['birthdate', 'Date of birth'],
] as const satisfies ReadonlyArray<readonly [keyof KycMatchFields, string]>;

export type KycFieldName = (typeof KYC_FIELDS)[number][0];

/** Which details the operator's record confirms, field by field (KYC Match). */
export function kycView(
  fields: Partial<Record<KycFieldName, string>>,
  result: KycMatchResult,
): ResultView {
  const rows = KYC_FIELDS.filter(([name]) => fields[name]).map(([name, label]) => {
    const outcome = result[`${name}Match`];
    const score = result[`${name}MatchScore`];
    return {
      label,
      value: fields[name]!,
      outcome:
        outcome === 'true'
          ? 'match'
          : outcome === 'false'
            ? 'mismatch'
            : ('not-available' as const),
      ...(typeof score === 'number' ? { note: `${score}% similar` } : {}),
    } as const;
  });
  const matched = rows.filter((r) => r.outcome === 'match').length;
  return {
    status: matched === rows.length ? 'verified' : 'not-verified',
    title: matched === rows.length ? 'Details confirmed' : 'Some details do not match',
    message: `Your mobile operator's record confirms ${matched} of the ${rows.length} details you gave.`,
    ...none,
    rows,
  };
}
