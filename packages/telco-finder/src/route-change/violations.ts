import type { RouteViolation, RouteViolationCode } from '@switchboard/contracts';
import { ConflictError, InputError, NotFoundError, type ErrorDetail } from '../errors.js';

export type { RouteViolation, RouteViolationCode };

/** One rule for every path: a refusal lists at most this many violations. */
export const MAX_VIOLATIONS = 20;

/** How many values a `not-held` sentence names before `…`. */
const NAMED = 5;

/**
 * The domain's own words for a violation: what is refused and why, never how a caller may
 * permit it (that is the HTTP and CLI layers' syntax, from `code` and `remedy`). A CSV
 * line's CIDR speaks for itself; every other value is named with its noun.
 */
export function describeViolation(v: RouteViolation): string {
  const subject = v.line !== undefined && v.noun === 'range' ? v.value : `${v.noun} ${v.value}`;
  const other = v.other;
  switch (v.code) {
    case 'too-many':
      return `at most ${v.limit} per call; use import for more`;
    case 'unknown-operator':
      return `unknown operator '${v.operatorId}'`;
    case 'special-purpose':
      return `${subject} is refused: ${v.block?.cidr} is ${v.block?.name}, a special-purpose block`;
    case 'too-broad':
      return `${subject} of operator '${v.operatorId}' is refused: ${broadness(v)}`;
    case 'taken':
      return `${subject} is already ${other?.line ? `listed on line ${other.line}` : `registered to operator '${other?.operatorId}'`}`;
    case 'overlap':
      return `${subject} of operator '${v.operatorId}' overlaps ${other?.value} of operator '${other?.operatorId}'${other?.line ? ` (line ${other.line})` : ''}`;
    case 'not-held': {
      const values = v.values ?? [v.value];
      const list = `${values.slice(0, NAMED).join(', ')}${values.length > NAMED ? ', …' : ''}`;
      return v.operatorId
        ? `operator '${v.operatorId}' has no ${v.noun} ${list}`
        : `no such ${v.noun}: ${list}`;
    }
    case 'not-owned':
      return `${subject} belongs to operator '${other?.operatorId}', not '${v.operatorId}'`;
  }
}

function broadness(v: RouteViolation): string {
  const b = v.broadest;
  if (b?.family === 'e164')
    return `it has fewer than ${b.limit} digits and may cover a whole country code (an operator claims it only with an admin's approval)`;
  return `it is broader than /${b?.limit} (the broadest ${b?.family === 'ipv6' ? 'IPv6' : 'IPv4'} range an operator may claim without an admin's approval)`;
}

/** A CSV line's unknown operator is bad input; a path's unknown operator is not found. */
function errorClass(v: RouteViolation): 'input' | 'not-found' | 'conflict' {
  switch (v.code) {
    case 'too-many':
    case 'special-purpose':
      return 'input';
    case 'unknown-operator':
      return v.line !== undefined ? 'input' : 'not-found';
    case 'not-held':
      return 'not-found';
    default:
      return 'conflict';
  }
}

/** The error for a refused change (nothing written): the first violation leads, all are details. */
export function refusal(violations: readonly RouteViolation[]): Error {
  const listed = violations.slice(0, MAX_VIOLATIONS);
  const details: ErrorDetail[] = listed.map((v) => ({
    ...(v.line !== undefined ? { line: v.line } : {}),
    message: describeViolation(v),
  }));
  const first = details[0]!;
  const message = first.line ? `line ${first.line}: ${first.message}` : first.message;
  const kind = errorClass(listed[0]!);
  if (kind === 'not-found') return new NotFoundError(message, listed);
  if (kind === 'input') return new InputError(message, details, listed);
  return new ConflictError(message, details, listed);
}

/** Throws the refusal if there is anything to refuse. */
export function refuseAny(violations: readonly RouteViolation[]): void {
  if (violations.length > 0) throw refusal(violations);
}
