import type { Knex } from 'knex';
import { NotFoundError } from '../errors.js';
import { getOperatorRow } from '../store/operator-store.js';
import { approvedValues } from '../store/overlap-approval-store.js';
import type { Overlap } from '../store/routing-store.js';
import type { RouteKindStore } from './kinds.js';
import { planClaims, planRemoval, type Claim } from './plan.js';
import type { ClaimPolicy } from './policies.js';
import { MAX_VIOLATIONS, refuseAny } from './violations.js';

// The route-change applier (ADR 0002): inside a routing change (applyRoutingChange: lock,
// audit, NOTIFY in one transaction) it reads through the routing store what the planner
// needs, has the planner judge, and writes only what the planner allowed.

type Trx = Knex.Transaction;

export interface ClaimOptions {
  /** Values an admin approved for the claiming operator. */
  approved?: ReadonlySet<string>;
  /** Sweep every stored entry instead of probing the index per value (CSV import). */
  bulk?: boolean;
  /** The claims name several operators (CSV import): check each exists. */
  knownOperators?: ReadonlySet<string>;
  onWritten?: (rows: number) => void;
}

export async function requireOperator(trx: Trx, id: string): Promise<void> {
  if (!(await getOperatorRow(trx, id))) throw new NotFoundError(`unknown operator '${id}'`);
}

/** The values an admin approved for this operator to claim, of this kind. */
export async function approvalsFor(
  trx: Trx,
  kind: RouteKindStore,
  operatorId: string,
): Promise<Set<string>> {
  return kind.approvalKind ? approvedValues(trx, operatorId, kind.approvalKind) : new Set();
}

/** Refuses the claims if the policy refuses any of them; else writes them all. */
export async function claimRoutes(
  trx: Trx,
  kind: RouteKindStore,
  claims: readonly Claim[],
  policy: ClaimPolicy,
  options: ClaimOptions = {},
): Promise<void> {
  if (claims.length === 0) return;
  const approved = options.approved ?? new Set<string>();
  const mayOverlap = (value: string) => policy.allowOverlap || approved.has(value);
  const stored = options.bulk
    ? await kind.all(trx)
    : await storedNear(trx, kind, claims, mayOverlap);
  refuseAny(
    planClaims(
      { noun: kind.noun, claims, stored, approved, knownOperators: options.knownOperators },
      policy,
    ),
  );
  await kind.insert(trx, claims, mayOverlap, options.onWritten);
}

/**
 * The stored entries a few claims may collide with, through the store's indexed probes:
 * exact values, then other operators' nesting entries of each claim that may not overlap
 * (until there are more than a refusal lists).
 */
async function storedNear(
  trx: Trx,
  kind: RouteKindStore,
  claims: readonly Claim[],
  mayOverlap: (value: string) => boolean,
): Promise<Overlap[]> {
  const found = new Map<string, Overlap>();
  const keep = (o: Overlap) => found.set(`${o.operatorId} ${o.value}`, o);
  (
    await kind.owners(
      trx,
      claims.map((c) => c.value),
    )
  ).forEach(keep);
  let nesting = 0;
  for (const c of claims) {
    if (mayOverlap(c.value) || nesting > MAX_VIOLATIONS) continue;
    const overlaps = await kind.overlaps(trx, c.value, c.operatorId);
    nesting += overlaps.length;
    overlaps.forEach(keep);
  }
  return [...found.values()];
}

/** Removes every listed value or none: a missing (or, when named, foreign) one refuses all. */
export async function removeRoutes(
  trx: Trx,
  kind: RouteKindStore,
  values: string[],
  operatorId: string | undefined,
  policy: ClaimPolicy,
): Promise<void> {
  if (values.length === 0) return;
  const owners = await kind.owners(trx, values);
  refuseAny(planRemoval(kind.noun, values, owners, operatorId, policy));
  await kind.remove(trx, values);
}
