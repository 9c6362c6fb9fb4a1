import type { KindDiff, RouteChangeMode } from '@switchboard/contracts';
import { specialPurposeBlockOf } from '../ip/special-purpose-ranges.js';
import type { SweepConflict, SweepEntry } from '../overlap/conflict.js';
import { findPrefixConflicts } from '../overlap/prefix-sweep.js';
import { findRangeConflicts } from '../overlap/range-sweep.js';
import type { Overlap } from '../store/routing-store.js';
import { BROADEST_SELF_CLAIM, type ClaimPolicy } from './policies.js';
import { MAX_VIOLATIONS, type RouteNoun, type RouteViolation } from './violations.js';

// The route-change planner (ADR 0002): pure, no database and no I/O. It gets what the
// applier read (the stored entries the request may collide with) and answers violations or
// a diff. Every claim rule lives here, in this order.

export interface Claim {
  operatorId: string;
  /** Canonical, de-duplicated. */
  value: string;
  line?: number;
}

export interface ClaimCheck {
  noun: RouteNoun;
  claims: readonly Claim[];
  /** Stored entries the claims may collide with: every exact match, every nesting one. */
  stored: readonly Overlap[];
  /** Values an admin approved for the claiming operator (exact values only). */
  approved?: ReadonlySet<string>;
  /** The operators that exist, when the claims name several (CSV import). */
  knownOperators?: ReadonlySet<string>;
}

/** More values than one call may carry. */
export function planCount(noun: RouteNoun, count: number, policy: ClaimPolicy): RouteViolation[] {
  return count > policy.maxPerCall
    ? [{ code: 'too-many', noun, value: String(count), limit: policy.maxPerCall }]
    : [];
}

/**
 * The claim rules, in order; the first that refuses anything decides: unknown operator →
 * special purpose → too broad (unless approved) → taken or overlapping another operator's
 * entry (unless overlap is allowed or approved).
 */
export function planClaims(check: ClaimCheck, policy: ClaimPolicy): RouteViolation[] {
  const stages = [unknownOperators, specialPurpose, tooBroad, collisions];
  for (const stage of stages) {
    const found = stage(check, policy);
    if (found.length > 0) return found.slice(0, MAX_VIOLATIONS);
  }
  return [];
}

function unknownOperators({ noun, claims, knownOperators }: ClaimCheck): RouteViolation[] {
  if (!knownOperators) return [];
  return claims
    .filter((c) => !knownOperators.has(c.operatorId))
    .slice(0, MAX_VIOLATIONS)
    .map((c) => ({ code: 'unknown-operator', noun, ...c }));
}

function specialPurpose({ noun, claims }: ClaimCheck, policy: ClaimPolicy): RouteViolation[] {
  if (!policy.refuseSpecialPurpose || noun !== 'range') return [];
  return claims.flatMap((c) => {
    const block = specialPurposeBlockOf(c.value);
    return block
      ? [{ code: 'special-purpose', noun, ...c, block: { cidr: block.cidr, name: block.name } }]
      : [];
  });
}

function tooBroad(check: ClaimCheck, policy: ClaimPolicy): RouteViolation[] {
  if (!policy.tooBroadNeedsApproval) return [];
  return check.claims.flatMap((c) => {
    const broadest = check.approved?.has(c.value) ? undefined : broadestExceeded(check.noun, c);
    return broadest
      ? [{ code: 'too-broad', noun: check.noun, ...c, broadest, remedy: 'approval' }]
      : [];
  });
}

function broadestExceeded(noun: RouteNoun, { value }: Claim): RouteViolation['broadest'] {
  if (noun === 'prefix') {
    const limit = BROADEST_SELF_CLAIM.prefixDigits;
    return value.length < limit ? { family: 'e164', limit } : undefined;
  }
  if (noun !== 'range') return undefined;
  const family = value.includes(':') ? 'ipv6' : 'ipv4';
  const limit = BROADEST_SELF_CLAIM[family];
  return Number(value.slice(value.lastIndexOf('/') + 1)) < limit ? { family, limit } : undefined;
}

/** Taken values first, then overlaps; one sweep over the stored entries and the claims. */
function collisions(check: ClaimCheck, policy: ClaimPolicy): RouteViolation[] {
  // Literal entries, not spreads: an import sweeps a million of them.
  const entries: SweepEntry[] = check.stored.map((s) => ({
    operatorId: s.operatorId,
    value: s.value,
    isNew: false,
    allowOverlap: false,
    line: undefined,
  }));
  for (const c of check.claims)
    entries.push({
      operatorId: c.operatorId,
      value: c.value,
      isNew: true,
      allowOverlap: policy.allowOverlap || !!check.approved?.has(c.value),
      line: c.line,
    });
  const found = sweep(check.noun, entries);
  const taken = found.filter((f) => f.kind === 'duplicate');
  return [...taken, ...found.filter((f) => f.kind === 'overlap')].map((f) => ({
    code: f.kind === 'duplicate' ? 'taken' : 'overlap',
    noun: check.noun,
    value: f.entry.value,
    operatorId: f.entry.operatorId,
    ...(f.entry.line !== undefined ? { line: f.entry.line } : {}),
    other: {
      operatorId: f.other.operatorId,
      value: f.other.value,
      ...(f.other.line !== undefined ? { line: f.other.line } : {}),
    },
    ...(f.kind === 'overlap' ? { remedy: policy.remedy } : {}),
  }));
}

function sweep(noun: RouteNoun, entries: SweepEntry[]): SweepConflict[] {
  if (noun === 'range') return findRangeConflicts(entries, MAX_VIOLATIONS);
  if (noun === 'prefix') return findPrefixConflicts(entries, MAX_VIOLATIONS);
  // Networks never nest: only an exact duplicate collides.
  const seen = new Map(entries.filter((e) => !e.isNew).map((e) => [e.value, e]));
  const out: SweepConflict[] = [];
  for (const e of entries) {
    const other = e.isNew ? seen.get(e.value) : undefined;
    if (other) out.push({ entry: e, other, kind: 'duplicate' });
    else if (e.isNew) seen.set(e.value, e);
  }
  return out.slice(0, MAX_VIOLATIONS);
}

/**
 * Removals: every listed value must be there, and be the named operator's when one is
 * named. Under `ownRoutesOnly` another operator's value is simply not held.
 */
export function planRemoval(
  noun: RouteNoun,
  values: readonly string[],
  owners: readonly Overlap[],
  operatorId: string | undefined,
  policy: ClaimPolicy,
): RouteViolation[] {
  const visible = policy.ownRoutesOnly ? owners.filter((o) => o.operatorId === operatorId) : owners;
  const found = new Map(visible.map((o) => [o.value, o.operatorId]));
  const missing = values.filter((v) => !found.has(v));
  if (missing.length > 0) {
    const who = policy.ownRoutesOnly ? { operatorId } : {};
    return [{ code: 'not-held', noun, value: missing[0]!, values: missing, ...who }];
  }
  if (!operatorId) return [];
  return values
    .filter((v) => found.get(v) !== operatorId)
    .slice(0, MAX_VIOLATIONS)
    .map((v) => ({
      code: 'not-owned',
      noun,
      value: v,
      operatorId,
      other: { operatorId: found.get(v)!, value: v },
    }));
}

/** What a change does to one operator's values of one kind. */
export function planDiff(
  current: readonly string[],
  mode: RouteChangeMode,
  values: readonly string[],
): KindDiff {
  const held = new Set(current);
  const wanted = new Set(values);
  const added = mode === 'remove' ? [] : values.filter((v) => !held.has(v));
  const removed =
    mode === 'add' ? [] : mode === 'remove' ? [...values] : current.filter((v) => !wanted.has(v));
  return { added, removed, unchanged: held.size - removed.length };
}
