/**
 * An operator's authorization error, as the app sees it (ICM: authorize errors are
 * redirects). Errors the app can act on pass through; anything else is the operator's
 * failure, reported as server_error. The description says what happened, never who: the
 * app does not learn which operator served the user, so neither the operator's name nor
 * its own text (which may name it) reaches the app.
 */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  access_denied: 'the mobile operator did not authorize this request',
  consent_required:
    "the mobile operator needs the subscriber's consent for this purpose; ask again without prompt=none",
  login_required: 'the mobile operator could not authenticate the subscriber without interaction',
  interaction_required: 'the mobile operator needs to interact with the subscriber',
  invalid_scope: 'the mobile operator refused the requested scope',
  server_error: 'the mobile operator could not process the request',
  temporarily_unavailable: 'the mobile operator is temporarily unavailable; try again later',
};

const UNEXPECTED = 'the mobile operator answered with an unexpected error';

/**
 * ICM r4.2 Appendix A (CAMARA-Security-Interoperability.md, "Authentication Error Response",
 * Authorization Code Flow) lists no `login_required` nor `interaction_required`: a subscriber
 * the operator cannot authenticate without interaction is a denied request (`access_denied`,
 * "the user cannot be authenticated"), with our text saying which.
 */
const AS_LISTED: Readonly<Record<string, string>> = {
  login_required: 'access_denied',
  interaction_required: 'access_denied',
};

export interface AppError {
  readonly error: string;
  readonly description: string;
}

/**
 * `access_denied` covers several situations the app handles differently (offer mobile data,
 * or ask again for consent); the operator's text is read only to pick one of our own texts,
 * with the loose matching the SDK applies to descriptions ("identif", "consent").
 */
const ACCESS_DENIED: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /identif|wi-?fi|mobile data/i,
    'the mobile operator could not identify the device on its network: it may be on Wi-Fi',
  ],
  [/consent/i, 'the subscriber refused consent at the mobile operator'],
];

export function appErrorFor(operatorError: string, operatorDescription?: string | null): AppError {
  if (operatorError === 'access_denied') {
    const said = operatorText(operatorDescription ?? null);
    const known = ACCESS_DENIED.find(([pattern]) => pattern.test(said));
    if (known) return { error: operatorError, description: known[1] };
  }
  const description = Object.hasOwn(DESCRIPTIONS, operatorError)
    ? DESCRIPTIONS[operatorError]
    : undefined;
  const error = Object.hasOwn(AS_LISTED, operatorError) ? AS_LISTED[operatorError]! : operatorError;
  return description ? { error, description } : { error: 'server_error', description: UNEXPECTED };
}

/** Flow failures on Switchboard's side of the operator leg, as the app sees them. */
export const FLOW_ERRORS = {
  unreachable: {
    error: 'temporarily_unavailable',
    description: 'the mobile operator could not be reached; try again later',
  },
  timeout: {
    error: 'temporarily_unavailable',
    description: 'the mobile operator did not answer in time; try again later',
  },
  invalidTokenResponse: {
    error: 'server_error',
    description: 'the mobile operator returned an invalid token response',
  },
  // ICM strict profile: the subscriber's operator is registered with client_secret_basic.
  operatorAuthMethod: {
    error: 'server_error',
    description:
      'the mobile operator of the subscriber is not configured for private_key_jwt, which the ICM profile requires',
  },
  // RFC 6749 §10.12: the operator's answer came back in a browser that did not start the flow.
  otherBrowser: {
    error: 'access_denied',
    description:
      'the mobile network authentication did not return to the browser that started this request',
  },
} as const satisfies Record<string, AppError>;

/**
 * API scopes the subscriber's operator does not offer (its supportedApis): RFC 6749 §4.1.2.1
 * `invalid_scope`, naming the scopes, not the operator.
 */
export function scopesNotOffered(scopes: readonly string[]): AppError {
  return {
    error: 'invalid_scope',
    description: `not available on the subscriber's mobile network: ${scopes.join(' ')}`,
  };
}

/**
 * The operator's own text, for Switchboard's log only: printable, short, and with anything
 * that looks like a phone number masked (no phone numbers in logs: docs/security.md, "Logs").
 */
export function operatorText(text: string | null, max = 200): string {
  return (text ?? '')
    .replace(/[^\x20-\x7e]/g, ' ')
    .slice(0, max)
    .replace(/\+?\d[\d ().-]{4,}\d/g, '[number]');
}

export function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; code?: string; cause?: { name?: string; code?: string } };
  const names = [e?.name, e?.code, e?.cause?.name, e?.cause?.code];
  return names.some((n) =>
    [
      'TimeoutError',
      'AbortError',
      'ECONNREFUSED',
      'ECONNRESET',
      'UND_ERR_CONNECT_TIMEOUT',
    ].includes(n ?? ''),
  );
}
