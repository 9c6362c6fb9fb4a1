import { escapeHtml as e, layout } from './layout.js';
import type { ResultView } from './outcome.js';
import type { UseCase } from './session-cookie.js';

export interface FormState {
  readonly csrf: string;
  readonly phoneNumber?: string | undefined;
  readonly error?: string | undefined;
}

/** The demo transfer the second use case confirms (seed: confirming a sensitive transaction). */
export const DEMO_TRANSFER = {
  amount: '€2,450.00',
  payee: 'Lucía Pérez',
  iban: 'ES91 2100 0418 4502 0005 1332',
} as const;

function verifyForm(useCase: UseCase, state: FormState, button: string): string {
  const invalid = state.error !== undefined;
  return `<form method="post" action="/verify" novalidate>
<input type="hidden" name="csrf" value="${e(state.csrf)}">
<input type="hidden" name="useCase" value="${useCase}">
<label for="phoneNumber">Mobile number</label>
<p class="hint" id="phone-hint">With the country code, e.g. +34 600 000 001.</p>
${invalid ? `<p class="error-text" id="phone-error">${e(state.error ?? '')}</p>` : ''}
<input type="tel" id="phoneNumber" name="phoneNumber" autocomplete="tel" inputmode="tel" required
 value="${e(state.phoneNumber ?? '')}" aria-describedby="phone-hint${invalid ? ' phone-error' : ''}"${invalid ? ' aria-invalid="true" autofocus' : ''}>
<button type="submit">${e(button)}</button>
</form>`;
}

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
your account.</p>
${verifyForm('transfer', state, 'Verify silently and confirm')}</section>`,
  );
}

export function resultPage(
  view: ResultView,
  retry: { csrf: string; phoneNumber: string; useCase: UseCase } | undefined,
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
<input type="hidden" name="askConsent" value="yes">
<button type="submit">Continue to give permission</button></form>`
      : '';
  const reference = view.reference
    ? `<p class="hint">Reference for support: <code>${e(view.reference)}</code></p>`
    : '';
  const back = retry?.useCase === 'transfer' ? '/transfer' : '/';
  return layout(
    view.title,
    `<section class="card status ${view.status}" role="status" aria-live="polite">
<h1 data-result="${view.status}">${e(view.title)}</h1>
<p>${e(view.message)}</p></section>
${advice}${consent}${reference}
<p><a href="${back}">Back</a></p>`,
  );
}

export function notFoundPage(): string {
  return layout('Not found', '<h1>Page not found</h1><p><a href="/">Go to the home page</a></p>');
}
