import type { ErrorDetail } from '@switchboard/contracts';
import {
  ConflictError,
  describeViolation,
  InputError,
  NotFoundError,
  type RouteViolation,
} from '@switchboard/telco-finder';

/**
 * The admin and operator APIs' words for a refused route change (ADR 0002): the domain's
 * sentence, plus how an admin permits what only an approval permits. Each detail carries
 * the violation's code, from which the CLI adds its own syntax (`--allow-overlap`).
 */
export function violationDetails(violations: readonly RouteViolation[]): ErrorDetail[] {
  return violations.map((v) => ({
    ...(v.line !== undefined ? { line: v.line } : {}),
    code: v.code,
    message: violationWords(v),
  }));
}

export function violationWords(v: RouteViolation): string {
  const words = describeViolation(v);
  return v.remedy === 'approval'
    ? `${words} (an admin may approve it: switchboard overlaps approve ${v.operatorId} ${v.value})`
    : words;
}

/** The answer's message: the first detail, with its CSV line. */
export function leadingMessage(details: readonly ErrorDetail[]): string {
  const first = details[0]!;
  return first.line !== undefined ? `line ${first.line}: ${first.message}` : first.message;
}

/** A refused route change's message in the APIs' words; undefined for any other error. */
export function routeRefusalMessage(err: unknown): string | undefined {
  const refused =
    err instanceof InputError || err instanceof ConflictError || err instanceof NotFoundError;
  if (!refused || err.violations.length === 0) return undefined;
  return leadingMessage(violationDetails(err.violations));
}
