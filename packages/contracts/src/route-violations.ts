// Why a route change was refused (ADR 0002): a code and the facts behind it. The routing
// domain gives each violation plain words; the admin API, the operator API and the CLI may
// add their own (how to permit it in their syntax) from the code and these facts.

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
