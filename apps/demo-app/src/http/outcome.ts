import type { SwitchboardError } from '@switchboard/sdk';
import {
  CamaraApiError,
  ConsentDeniedError,
  ConsentRequiredError,
  NetworkNotIdentifiedError,
  OAuthError,
  TimeoutError,
} from '@switchboard/sdk';
import type { UseCase } from './session-cookie.js';

/** What the result page shows: a status, what happened, and what the user can do. */
export interface ResultRow {
  readonly label: string;
  readonly value: string;
  readonly outcome: 'match' | 'mismatch' | 'not-available';
  readonly note?: string;
}

export interface ResultView {
  readonly status: 'verified' | 'not-verified' | 'held' | 'error';
  readonly title: string;
  readonly message: string;
  readonly advice: readonly string[];
  /** Offer to start again letting the operator ask for consent (after prompt=none). */
  readonly offerConsent: boolean;
  /** Quote this to support: the error code and the API call's x-correlator. */
  readonly reference: string | undefined;
  /** Field by field results (KYC Match). */
  readonly rows?: readonly ResultRow[];
}

const none = { offerConsent: false, reference: undefined } as const;
const START_AGAIN = 'Go back and start the verification again.';
const OTHER_METHOD = 'Or use another method, such as a one-time code by SMS.';

export function verifiedView(useCase: UseCase, phoneNumber: string): ResultView {
  const message =
    useCase === 'login'
      ? `Your mobile network confirmed ${phoneNumber}. You are signed in.`
      : `Your mobile network confirmed ${phoneNumber}. The transfer is confirmed.`;
  return { status: 'verified', title: 'Number verified', message, advice: [], ...none };
}

export function notVerifiedView(phoneNumber: string): ResultView {
  return {
    status: 'not-verified',
    title: 'Number not verified',
    message: `Your mobile network says ${phoneNumber} is not the number of this device.`,
    advice: [
      'Check the number you typed, including the country code.',
      'Use the phone whose SIM card has this number.',
      OTHER_METHOD,
    ],
    ...none,
  };
}

/** The user-facing explanation of an SDK error. */
export function errorView(err: SwitchboardError): ResultView {
  const reference = [err.code, err.correlator].filter(Boolean).join(' · ');
  const view = (title: string, message: string, advice: string[], offerConsent = false) =>
    ({ status: 'error', title, message, advice, offerConsent, reference }) as const;
  if (err instanceof NetworkNotIdentifiedError) {
    return view(
      'We could not reach your mobile network',
      'Silent verification works only over mobile data, and this device is not connected through its mobile network (Wi-Fi, perhaps).',
      ['Turn off Wi-Fi, use mobile data, and try again.', OTHER_METHOD],
    );
  }
  if (err instanceof ConsentRequiredError) {
    return view(
      'Your operator needs your permission',
      'Your mobile operator asks you to agree before it confirms your number to us.',
      ['Continue to give your permission on your operator’s page.', OTHER_METHOD],
      true,
    );
  }
  if (err instanceof ConsentDeniedError) {
    return view(
      'You did not give permission',
      'You declined to let your operator confirm your number. Nothing was shared with us.',
      ['You can try again and agree, or use another method.'],
    );
  }
  if (STALE.has(err.code)) {
    return view('Please start again', 'This page expired or was already used.', [START_AGAIN]);
  }
  if (unavailable(err)) {
    return view(
      'The verification service is not answering',
      'We could not reach the verification service or your mobile network in time.',
      ['Try again in a minute.', OTHER_METHOD],
    );
  }
  return view('Verification could not be completed', 'Your number could not be verified.', [
    'Try again, or use another method.',
  ]);
}

// Errors of this app's own state, not of the provider: the user just starts over.
const STALE = new Set(['CSRF', 'NO_PENDING_VERIFICATION', 'INVALID_SAVED_STATE']);

function unavailable(err: SwitchboardError): boolean {
  if (err instanceof TimeoutError || err.code === 'REQUEST_FAILED') return true;
  if (err instanceof CamaraApiError) return err.status >= 500;
  return (
    err instanceof OAuthError &&
    ['server_error', 'temporarily_unavailable'].includes(err.error ?? '')
  );
}
