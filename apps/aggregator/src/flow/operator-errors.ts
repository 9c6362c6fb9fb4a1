/**
 * An operator's authorization error, as the app sees it (ICM: authorize errors are
 * redirects). Errors the app can act on pass through; anything else is the operator's
 * failure, reported as server_error.
 */
const PASS_THROUGH = new Set([
  'access_denied',
  'consent_required',
  'login_required',
  'interaction_required',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
]);

export function appErrorFor(operatorError: string): string {
  return PASS_THROUGH.has(operatorError) ? operatorError : 'server_error';
}

/** A short, printable description: operator text reaches the app, never a stack. */
export function describeOperatorError(
  operatorName: string,
  error: string,
  description: string | null,
): string {
  const said = (description ?? '').replace(/[^\x20-\x7e]/g, ' ').slice(0, 200);
  return `the operator ${operatorName} answered ${error}${said ? `: ${said}` : ''}`;
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
