import {
  AccessDeniedError,
  AuthorizationExpiredError,
  OAuthError,
  type SwitchboardError,
} from '@switchboard/sdk';
import { KYC_FIELDS, kycView, type KycFieldName } from './anti-fraud-views.js';
import { escapeHtml as e, layout } from './layout.js';
import { errorView, type ResultView } from './outcome.js';
import { rowsTable } from './pages.js';
import type { KycMatchResult } from '@switchboard/sdk';

/** SIM Swap's window for a caller: a SIM changed within 10 days calls for another check. */
export const CALL_CENTRE_SIM_SWAP_HOURS = 240;

/** What the agent may ask the caller, to match with KYC Match. */
export const CALL_CENTRE_FIELDS = KYC_FIELDS.filter(
  ([name]) => name === 'givenName' || name === 'familyName',
);

export interface CallCentreFormState {
  readonly csrf: string;
  readonly phoneNumber?: string | undefined;
  readonly error?: string | undefined;
  readonly fields?: Readonly<Record<string, string>> | undefined;
}

const TITLE = 'Call centre';
const NOT_CONFIGURED = `<h1>Call centre</h1>
<section class="card status error" role="status"><h2 data-result="not-configured">The call centre is not set up</h2>
<p>This demo app has no backend client for the call centre. Set <code>BACKEND_CLIENT_ID</code> and
<code>BACKEND_PRIVATE_KEY_FILE</code> (a backend client of the aggregator, <code>private_key_jwt</code>)
and restart it; <code>npm start</code> registers one.</p></section>`;

/** The agent's form: the caller's number and, optionally, details to match. */
export function callCentrePage(state: CallCentreFormState | undefined): string {
  if (!state) return layout(TITLE, NOT_CONFIGURED);
  const invalid = state.error !== undefined;
  const inputs = CALL_CENTRE_FIELDS.map(
    ([name, label]) => `
<label for="${name}">${e(label)}</label>
<input type="text" id="${name}" name="${name}" value="${e(state.fields?.[name] ?? '')}">`,
  ).join('');
  return layout(
    TITLE,
    `<h1>Check a caller</h1>
<p>While the customer is on the line, ask their mobile operator whether the SIM card of their
number changed recently and, if you give them, whether the details they told you match the
operator's record. The customer may be asked to approve on their phone.</p>
<section class="card" aria-labelledby="caller-title"><h2 id="caller-title">The caller</h2>
<form method="post" action="/call-centre" novalidate>
<input type="hidden" name="csrf" value="${e(state.csrf)}">
<label for="phoneNumber">Caller's mobile number</label>
<p class="hint" id="phone-hint">With the country code, e.g. +34 600 000 001.</p>
${invalid ? `<p class="error-text" id="phone-error">${e(state.error ?? '')}</p>` : ''}
<input type="tel" id="phoneNumber" name="phoneNumber" autocomplete="off" inputmode="tel" required
 value="${e(state.phoneNumber ?? '')}" aria-describedby="phone-hint${invalid ? ' phone-error' : ''}"${invalid ? ' aria-invalid="true" autofocus' : ''}>
<fieldset><legend>Details the caller gave (optional)</legend>${inputs}</fieldset>
<button type="submit">Check with the operator</button>
</form></section>`,
  );
}

/** Waiting for the customer: reloads itself after `refreshSeconds`, no JavaScript. */
export function pendingPage(phoneNumber: string, refreshSeconds: number): string {
  const seconds = Math.max(1, Math.ceil(refreshSeconds));
  return layout(
    'Waiting for the customer',
    `<section class="card status" role="status" aria-live="polite">
<h1 data-result="pending">Waiting for the customer to approve on their phone…</h1>
<p>The operator of ${e(phoneNumber)} asks the customer to approve this check. This page refreshes
by itself in ${seconds} second${seconds === 1 ? '' : 's'}.</p></section>
<p><a href="/call-centre/status">Refresh now</a> · <a href="/call-centre">Check another caller</a></p>`,
    seconds,
  );
}

/** SIM Swap's answer, in the words an agent acts on. */
export function simSwapView(phoneNumber: string, swapped: boolean): ResultView {
  const none = { advice: [], offerConsent: false, reference: undefined } as const;
  return swapped
    ? {
        status: 'held',
        title: 'SIM changed in the last 10 days — verify the caller another way',
        message: `The SIM card of ${phoneNumber} changed in the last 10 days. Someone may have taken over the number: do not rely on it to identify the caller.`,
        ...none,
      }
    : {
        status: 'verified',
        title: 'No recent SIM change',
        message: `The SIM card of ${phoneNumber} has not changed in the last 10 days.`,
        ...none,
      };
}

/** KYC Match for the agent: what the caller said against the operator's record. */
export function callerDetailsView(
  fields: Partial<Record<KycFieldName, string>>,
  result: KycMatchResult,
): ResultView {
  const view = kycView(fields, result);
  const matched = view.rows?.filter((r) => r.outcome === 'match').length ?? 0;
  return {
    ...view,
    message: `The operator's record confirms ${matched} of the ${view.rows?.length ?? 0} details the caller gave.`,
  };
}

/** The check's result: SIM Swap, then KYC Match when details were given. */
export function callCentreResultPage(swap: ResultView, details: ResultView | undefined): string {
  const kyc = details
    ? `<section class="card status ${details.status}" aria-labelledby="details-title">
<h2 id="details-title" data-kyc="${details.status}">${e(details.title)}</h2>
<p>${e(details.message)}</p>${details.rows?.length ? rowsTable(details.rows, 'Caller said') : ''}${reference(details)}</section>`
    : '';
  return layout(
    swap.title,
    `<section class="card status ${swap.status}" role="status" aria-live="polite">
<h1 data-result="${swap.status}">${e(swap.title)}</h1>
<p>${e(swap.message)}</p></section>
${kyc}
<p><a href="/call-centre">Check another caller</a></p>`,
  );
}

/** Denied, expired, unknown number or any other failure: what happened and what to do. */
export function callCentreMessagePage(view: ResultView): string {
  const advice = view.advice.length
    ? `<h2>What you can do</h2><ul>${view.advice.map((a) => `<li>${e(a)}</li>`).join('')}</ul>`
    : '';
  return layout(
    view.title,
    `<section class="card status ${view.status}" role="status" aria-live="polite">
<h1 data-result="${view.status}">${e(view.title)}</h1>
<p>${e(view.message)}</p></section>
${advice}${reference(view)}
<p><a href="/call-centre">Check another caller</a></p>`,
  );
}

const reference = (view: ResultView) =>
  view.reference
    ? `<p class="hint">Reference for support: <code>${e(view.reference)}</code></p>`
    : '';

const ANOTHER_WAY = 'Verify the caller another way, e.g. with security questions.';

/** The agent's explanation of an SDK error of the backend flow. */
export function callCentreErrorView(err: SwitchboardError): ResultView {
  const reference = [err.code, err.correlator].filter(Boolean).join(' · ');
  const view = (title: string, message: string, advice: string[]): ResultView => ({
    status: 'error',
    title,
    message,
    advice,
    offerConsent: false,
    reference,
  });
  if (err instanceof AccessDeniedError) {
    return view(
      'The customer did not approve',
      'The customer declined the check on their phone, or their operator has no basis to answer it. Nothing was shared.',
      [ANOTHER_WAY],
    );
  }
  if (err instanceof AuthorizationExpiredError) {
    return view('The request expired', 'The customer did not answer on their phone in time.', [
      'Start the check again while the customer is on the line.',
      ANOTHER_WAY,
    ]);
  }
  if (err instanceof OAuthError && err.error === 'unknown_user_id') {
    return view('Number not found', 'No operator we work with serves this number.', [
      'Check the number with the caller, including the country code.',
      ANOTHER_WAY,
    ]);
  }
  if (err.code === 'NO_CALL_CENTRE_CHECK') {
    return view('No check in progress', 'This check is finished or was never started.', [
      'Start a new check.',
    ]);
  }
  if (errorView(err).title.includes('not answering')) {
    return view(
      'The operator is not answering',
      'We could not reach the aggregator or the caller’s operator in time.',
      ['Try again in a minute.', ANOTHER_WAY],
    );
  }
  return view('The check could not be completed', 'The operator could not answer this check.', [
    ANOTHER_WAY,
  ]);
}
