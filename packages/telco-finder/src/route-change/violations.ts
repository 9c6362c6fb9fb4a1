import {
  ConflictError,
  InputError,
  NotFoundError,
  type ConflictKind,
  type ErrorDetail,
} from '../errors.js';

// Why a route change was refused (ADR 0002): a code and the facts behind it. The routing
// domain gives each violation plain words (describeViolation); the admin API, the operator
// API and the CLI add their own (how to permit it, in their syntax) from the code and facts.

export const ROUTE_VIOLATION_CODES = [
  /** More values in one call than the policy allows. */
  'too-many',
  /** A CSV line names an operator that does not exist. */
  'unknown-operator',
  /** A special-purpose block (private, loopback, documentation…), refused outside development. */
  'special-purpose',
  /** Broader than an operator may claim without an admin's approval. */
  'too-broad',
  /** The exact value is already registered (or listed earlier in the same file). */
  'taken',
  /** The value nests with another operator's entry. */
  'overlap',
  /** A value to remove that is not there (or, for an operator, not its own). */
  'not-held',
  /** A value to remove that belongs to another operator than the one named. */
  'not-owned',
] as const;
export type RouteViolationCode = (typeof ROUTE_VIOLATION_CODES)[number];

export type RouteNoun = 'range' | 'prefix' | 'network';

/** What would permit the claim: the caller's allowOverlap, or an admin's overlap approval. */
export type RouteRemedy = 'allow-overlap' | 'approval';

export interface RouteViolation {
  readonly code: RouteViolationCode;
  readonly noun: RouteNoun;
  /** The value refused (for `not-held`, the first of `values`). */
  readonly value: string;
  /** The operator claiming or removing it. */
  readonly operatorId?: string;
  /** The CSV line of the value, for imports. */
  readonly line?: number;
  /** The entry it collides with (`taken`, `overlap`, `not-owned`). */
  readonly other?: { readonly operatorId: string; readonly value: string; readonly line?: number };
  /** `special-purpose`: the block it falls in. */
  readonly block?: { readonly cidr: string; readonly name: string };
  /** `too-broad`: the broadest claim allowed without approval (`/10`, `4 digits`). */
  readonly broadest?: { readonly family: 'ipv4' | 'ipv6' | 'e164'; readonly limit: number };
  /** `too-many`: the per-call limit. `not-held`: every value missing. */
  readonly limit?: number;
  readonly values?: readonly string[];
  readonly remedy?: RouteRemedy;
}

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
  return new ConflictError(conflictKind(listed[0]!), message, details, listed);
}

/** Another operator's value (exact or nested) exists already; other conflicts are a state. */
function conflictKind(v: RouteViolation): ConflictKind {
  return v.code === 'taken' || v.code === 'overlap' ? 'already-exists' : 'incompatible-state';
}

/** Throws the refusal if there is anything to refuse. */
export function refuseAny(violations: readonly RouteViolation[]): void {
  if (violations.length > 0) throw refusal(violations);
}
