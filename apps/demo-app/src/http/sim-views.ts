import { HandsetError } from '@switchboard/handset';
import { SwitchboardError } from '@switchboard/sdk';
import { escapeHtml as e, layout } from './layout.js';
import { errorView, type ResultView } from './outcome.js';
import type { FormState } from './pages.js';

/** What the OS consent sheet shows: the aggregator's consent_data and the eligible SIMs. */
export interface ConsentSheet {
  readonly csrf: string;
  readonly consentText: string;
  readonly policyLink: string | undefined;
  readonly policyText?: string | undefined;
  readonly sims: ReadonlyArray<{ slot: number; label: string; msisdn: string }>;
}

const TITLE = 'Verify with your SIM';
const NOT_CONFIGURED = `<h1>${TITLE}</h1>
<section class="card status error" role="status"><h2 data-result="not-configured">Verifying with your SIM is not set up</h2>
<p>This demo app has no simulated phone or no backend client for the operator-token path. Set
<code>OPERATOR_TOKEN_CLIENT_ID</code>, <code>OPERATOR_TOKEN_PRIVATE_KEY_FILE</code> and
<code>HANDSET_FILE</code> and restart it; <code>npm start</code> sets them up.</p></section>
<p><a href="/">Verify silently over mobile data instead</a></p>`;

export function simNotConfiguredPage(): string {
  return layout(TITLE, NOT_CONFIGURED);
}

/**
 * `GET /sim`: the SIM path on its own page (the sign-in form's second button posts the same
 * form). A typed number is verified; an empty field asks the operator for the SIM's number.
 */
export function simStartPage(state: FormState): string {
  const invalid = state.error !== undefined;
  return layout(
    TITLE,
    `<h1>${TITLE}</h1>
<p>No mobile data, or on Wi-Fi? Your phone can confirm your number with its SIM card, over any
connection: it asks you first, then your mobile operator confirms the number to us.</p>
<section class="card" aria-labelledby="sim-title"><h2 id="sim-title">Sign in with your SIM</h2>
<form method="post" action="/sim" novalidate>
<input type="hidden" name="csrf" value="${e(state.csrf)}">
<label for="phoneNumber">Mobile number (optional)</label>
<p class="hint" id="phone-hint">With the country code, e.g. +34 600 000 001. Leave it empty and your
operator tells us the number of the SIM you choose.</p>
${invalid ? `<p class="error-text" id="phone-error">${e(state.error ?? '')}</p>` : ''}
<input type="tel" id="phoneNumber" name="phoneNumber" autocomplete="tel" inputmode="tel"
 value="${e(state.phoneNumber ?? '')}" aria-describedby="phone-hint${invalid ? ' phone-error' : ''}"${invalid ? ' aria-invalid="true" autofocus' : ''}>
<button type="submit">Verify with your SIM</button>
</form></section>`,
  );
}

/** Only http(s) links from the consent data become links (never `javascript:` and the like). */
function safeLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function simPicker(sims: ConsentSheet['sims']): string {
  if (sims.length === 1) {
    const [sim] = sims;
    return `<input type="hidden" name="slot" value="${sim!.slot}">
<p class="sheet-sim">Using SIM ${sim!.slot + 1} · ${e(sim!.label)} · ${e(sim!.msisdn)}</p>`;
  }
  const options = sims
    .map(
      (
        sim,
        i,
      ) => `<label class="sheet-option"><input type="radio" name="slot" value="${sim.slot}"${i === 0 ? ' checked' : ''}>
<span>SIM ${sim.slot + 1} · ${e(sim.label)}<br><span class="hint">${e(sim.msisdn)}</span></span></label>`,
    )
    .join('\n');
  return `<fieldset><legend>Choose a SIM</legend>\n${options}</fieldset>`;
}

/**
 * The phone's OS consent dialog (guide, Step 1.4: "shown by the OS (not the Application)",
 * listing only eligible SIMs, letting the user pick one or decline). The demo draws it for the
 * simulated handset; the frame says so, so nobody takes it for the bank's own page.
 */
export function consentSheetPage(sheet: ConsentSheet): string {
  const policy = safeLink(sheet.policyLink);
  return layout(
    TITLE,
    `<h1>${TITLE}</h1>
<p>Demo Bank asked your phone to confirm your number with its SIM card. This works over any
connection, Wi-Fi included. Your phone asks you first:</p>
<section class="phone" aria-label="Simulated phone">
<div class="sheet" role="dialog" aria-labelledby="sheet-title" aria-describedby="sheet-text">
<p class="sheet-badge">Simulated Android system dialog</p>
<h2 id="sheet-title">Verify your phone number</h2>
<p id="sheet-text" data-consent-text>${e(sheet.consentText)}</p>
${sheet.policyText ? `<p class="hint">${e(sheet.policyText)}</p>` : ''}${policy ? `<p><a href="${e(policy)}" rel="noreferrer">Privacy policy</a></p>` : ''}
<form method="post" action="/sim/consent">
<input type="hidden" name="csrf" value="${e(sheet.csrf)}">
${simPicker(sheet.sims)}
<div class="sheet-actions">
<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
<button type="submit" name="decision" value="continue">Continue</button>
</div>
</form>
</div>
</section>
<p class="hint">Drawn by the demo for its simulated phone: on a real Android phone the system shows
this dialog, and the app never sees the SIM's secrets.</p>`,
  );
}

const none = { offerConsent: false, reference: undefined } as const;
const NETWORK_PATH = 'Turn off Wi-Fi and use “Verify silently” over mobile data instead.';

/** The operator confirmed the number: NV verify (typed) or device-phone-number (none typed). */
export function simVerifiedView(phoneNumber: string, sim: string, typed: boolean): ResultView {
  const message = typed
    ? `Your mobile operator confirmed that ${phoneNumber} is the number of the SIM you chose (${sim}). You are signed in.`
    : `Your mobile operator says the SIM you chose (${sim}) has the number ${phoneNumber}. You are signed in.`;
  return { status: 'verified', title: 'Number verified', message, advice: [], ...none };
}

export function simNotVerifiedView(phoneNumber: string, sim: string): ResultView {
  return {
    status: 'not-verified',
    title: 'Number not verified',
    message: `Your mobile operator says ${phoneNumber} is not the number of the SIM you chose (${sim}).`,
    advice: [
      'Check the number you typed, including the country code.',
      'Choose the SIM that has this number.',
    ],
    ...none,
  };
}

export function declinedView(): ResultView {
  return {
    status: 'error',
    title: 'You declined',
    message: 'You cancelled on your phone. Your number was not shared with us.',
    advice: ['You can try again and continue, or use another method.'],
    ...none,
  };
}

/** Guide, Step 1.3 "Fallback path": no SIM of this phone can do it; nothing was shown. */
export function carrierNotSupportedView(err: SwitchboardError): ResultView {
  return {
    status: 'error',
    title: 'Your mobile operator does not offer this',
    message:
      'None of the SIM cards in this phone belongs to an operator that can confirm your number this way.',
    advice: [NETWORK_PATH],
    offerConsent: false,
    reference: err.code,
  };
}

/** A refusal of the phone itself (the simulated handset's `HandsetError` codes). */
const HANDSET_MESSAGES: Record<string, [title: string, message: string]> = {
  aggregator_not_allowlisted: [
    'Your phone refused the request',
    'Your phone does not trust the verification service for this SIM’s operator, so it showed nothing and shared nothing.',
  ],
  invalid_credential_request: [
    'Your phone refused the request',
    'The request your phone received was not valid (wrong signature, nonce or expiry), so it shared nothing.',
  ],
  no_eligible_sim: [
    'No SIM can do this',
    'None of the SIM cards in this phone belongs to an operator that can confirm your number this way.',
  ],
  entitlement_failed: [
    'Your SIM could not be checked',
    'Your phone could not get a one-time token from your mobile operator for this SIM.',
  ],
};

/** Any failure of the path, in words for the user, with a code for support (never a trace). */
export function simErrorView(err: unknown): ResultView {
  if (err instanceof SwitchboardError) {
    if (err.code === 'carrier_not_supported') return carrierNotSupportedView(err);
    const view = errorView(err);
    return { ...view, advice: [...view.advice.filter((a) => !a.includes('Wi-Fi')), NETWORK_PATH] };
  }
  const handset = err instanceof HandsetError ? HANDSET_MESSAGES[err.code] : undefined;
  if (handset) {
    const [title, message] = handset;
    const reference = (err as HandsetError).code;
    return { status: 'error', title, message, advice: [NETWORK_PATH], ...none, reference };
  }
  return {
    status: 'error',
    title: 'Verification could not be completed',
    message: 'Your number could not be verified with your SIM.',
    advice: ['Try again, or use another method.', NETWORK_PATH],
    offerConsent: false,
    reference: 'INTERNAL',
  };
}

/** The end of the path: the outcome, what to do, and the way back to the network path. */
export function simResultPage(view: ResultView): string {
  const advice = view.advice.length
    ? `<h2>What you can do</h2><ul>${view.advice.map((a) => `<li>${e(a)}</li>`).join('')}</ul>`
    : '';
  const reference = view.reference
    ? `<p class="hint">Reference for support: <code>${e(view.reference)}</code></p>`
    : '';
  return layout(
    view.title,
    `<section class="card status ${view.status}" role="status" aria-live="polite">
<h1 data-result="${view.status}">${e(view.title)}</h1>
<p>${e(view.message)}</p></section>
${advice}${reference}
<p><a href="/">Back to sign in</a></p>`,
  );
}
