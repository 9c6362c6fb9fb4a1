import { escapeHtml as e, layout } from './layout.js';
import { KYC_FIELDS } from './anti-fraud-views.js';
import type { ResultRow, ResultView } from './outcome.js';
import type { UseCase } from './session-cookie.js';

export interface FormState {
  readonly csrf: string;
  readonly phoneNumber?: string | undefined;
  readonly error?: string | undefined;
  /** "Check details": the fields as typed. */
  readonly fields?: Readonly<Record<string, string>> | undefined;
}

/** The demo transfer the second use case confirms (seed: confirming a sensitive transaction). */
export const DEMO_TRANSFER = {
  amount: '€2,450.00',
  payee: 'Lucía Pérez',
  iban: 'ES91 2100 0418 4502 0005 1332',
} as const;

function verifyForm(useCase: UseCase, state: FormState, button: string, extra = ''): string {
  const invalid = state.error !== undefined;
  return `<form method="post" action="/verify" novalidate>
<input type="hidden" name="csrf" value="${e(state.csrf)}">
<input type="hidden" name="useCase" value="${useCase}">${extra}
<label for="phoneNumber">Mobile number</label>
<p class="hint" id="phone-hint">With the country code, e.g. +34 600 000 001.</p>
${invalid ? `<p class="error-text" id="phone-error">${e(state.error ?? '')}</p>` : ''}
<input type="tel" id="phoneNumber" name="phoneNumber" autocomplete="tel" inputmode="tel" required
 value="${e(state.phoneNumber ?? '')}" aria-describedby="phone-hint${invalid ? ' phone-error' : ''}"${invalid ? ' aria-invalid="true" autofocus' : ''}>
<button type="submit">${e(button)}</button>${useCase === 'login' ? SIM_BUTTON : ''}
</form>`;
}

/**
 * The operator-token path (CAMARA NV "Operator Token Acquisition" guide): the same form, to
 * `/sim`; a typed number is verified, an empty field asks the operator for the SIM's number.
 */
const SIM_BUTTON = `
<p class="hint" id="sim-hint">On Wi-Fi? Your phone can confirm the number with its SIM card instead.</p>
<button type="submit" formaction="/sim" class="secondary" aria-describedby="sim-hint">No mobile data? Verify with your SIM</button>`;

export function homePage(state: FormState): string {
  return layout(
    'Fast login',
    `<h1>Sign in with your mobile number</h1>
<p>No password and no SMS code: your mobile network confirms that this phone has the number you
type. It takes a few seconds and works over mobile data.</p>
<section class="card" aria-labelledby="login-title"><h2 id="login-title">Fast login</h2>
${verifyForm('login', state, 'Verify silently')}</section>`,
  );
}

export function transferPage(state: FormState): string {
  return layout(
    'Confirm a transfer',
    `<h1>Confirm a transfer</h1>
<section class="card" aria-labelledby="transfer-title"><h2 id="transfer-title">Transfer awaiting confirmation</h2>
<dl><dt>Amount</dt><dd>${e(DEMO_TRANSFER.amount)}</dd><dt>To</dt><dd>${e(DEMO_TRANSFER.payee)}</dd>
<dt>IBAN</dt><dd>${e(DEMO_TRANSFER.iban)}</dd></dl>
<p>To protect you from fraud we check, with your mobile network, that this phone has the number of
your account and that its SIM card has not just been changed.</p>
${verifyForm('transfer', state, 'Verify silently and confirm')}</section>`,
  );
}

export function detailsPage(state: FormState): string {
  const inputs = KYC_FIELDS.map(
    ([name, label]) => `
<label for="${name}">${e(label)}</label>
<input type="${name === 'birthdate' ? 'date' : 'text'}" id="${name}" name="${name}" value="${e(state.fields?.[name] ?? '')}">`,
  ).join('');
  return layout(
    'Check details',
    `<h1>Check your details</h1>
<p>Instead of a photo of your ID, your mobile operator confirms the details it holds for your
number. Nothing you type is sent back to us by the operator: only whether each detail matches.</p>
<section class="card" aria-labelledby="details-title"><h2 id="details-title">Your details</h2>
${verifyForm('details', state, 'Check with my operator', inputs)}</section>`,
  );
}

const OUTCOME_TEXT = {
  match: 'Matches',
  mismatch: 'Does not match',
  'not-available': 'Not on record',
};

/** KYC Match, field by field; `typed` heads the column of what was given. */
export function rowsTable(rows: readonly ResultRow[], typed = 'You typed'): string {
  const body = rows
    .map(
      (r) =>
        `<tr><th scope="row">${e(r.label)}</th><td>${e(r.value)}</td><td class="${r.outcome}" data-outcome="${r.outcome}">${OUTCOME_TEXT[r.outcome]}${r.note ? ` <span class="hint">(${e(r.note)})</span>` : ''}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th scope="col">Detail</th><th scope="col">${e(typed)}</th><th scope="col">Operator's record</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function resultPage(
  view: ResultView,
  retry:
    | {
        csrf: string;
        phoneNumber: string;
        useCase: UseCase;
        fields?: Readonly<Record<string, string>> | undefined;
      }
    | undefined,
): string {
  const advice = view.advice.length
    ? `<h2>What you can do</h2><ul>${view.advice.map((a) => `<li>${e(a)}</li>`).join('')}</ul>`
    : '';
  const consent =
    view.offerConsent && retry
      ? `<form method="post" action="/verify">
<input type="hidden" name="csrf" value="${e(retry.csrf)}">
<input type="hidden" name="useCase" value="${retry.useCase}">
<input type="hidden" name="phoneNumber" value="${e(retry.phoneNumber)}">
${Object.entries(retry.fields ?? {})
  .map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`)
  .join('')}
<input type="hidden" name="askConsent" value="yes">
<button type="submit">Continue to give permission</button></form>`
      : '';
  const reference = view.reference
    ? `<p class="hint">Reference for support: <code>${e(view.reference)}</code></p>`
    : '';
  const back =
    retry?.useCase === 'transfer' ? '/transfer' : retry?.useCase === 'details' ? '/details' : '/';
  const rows = view.rows?.length ? rowsTable(view.rows) : '';
  return layout(
    view.title,
    `<section class="card status ${view.status}" role="status" aria-live="polite">
<h1 data-result="${view.status}">${e(view.title)}</h1>
<p>${e(view.message)}</p>${rows}</section>
${advice}${consent}${reference}
<p><a href="${back}">Back</a></p>`,
  );
}

export function notFoundPage(): string {
  return layout('Not found', '<h1>Page not found</h1><p><a href="/">Go to the home page</a></p>');
}
