import type { Knex } from 'knex';
import {
  ROUTE_KINDS,
  routeSetSchema,
  type KindDiff,
  type RouteChangeMode,
  type RouteDiff,
  type RouteKind,
  type RouteSet,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { ConflictError, InputError, NotFoundError, type ErrorDetail } from './errors.js';
import type { Actor } from './model.js';
import { KIND_SPECS, type RouteKindSpec } from './route-kinds.js';
import { applyRoutingChange, type RoutingContext } from './routing-context.js';
import { getOperatorRow } from './store/operator-store.js';
import { approvedValues } from './store/overlap-approval-store.js';

export interface ClaimPolicy {
  /** Development only: accept private, loopback, documentation… ranges (the sandboxes use loopback). */
  allowSpecialPurpose: boolean;
}

/**
 * One operator's own routes, changed under the claim rules every self-service path shares
 * (operator API and routing-table sync): no special-purpose ranges outside development, no
 * value another operator holds, no overlap with another operator's entry unless an admin
 * approved it. Each call is one transaction and returns exactly what it changed.
 */
export interface OperatorRoutes {
  list(operatorId: string): Promise<Record<RouteKind, string[]>>;
  change(
    operatorId: string,
    mode: RouteChangeMode,
    set: RouteSet,
    actor: Actor,
    action?: string,
  ): Promise<RouteDiff>;
}

const MAX_DETAILS = 20;

export function createOperatorRoutes(ctx: RoutingContext, policy: ClaimPolicy): OperatorRoutes {
  return {
    async list(operatorId) {
      return ctx.knex.transaction(async (trx) => {
        await requireOperator(trx, operatorId);
        const out = { ranges: [], prefixes: [], networks: [] } as Record<RouteKind, string[]>;
        for (const kind of ROUTE_KINDS) out[kind] = await KIND_SPECS[kind].current(trx, operatorId);
        return out;
      });
    },

    async change(operatorId, mode, raw, actor, action = `routes.${mode}`) {
      const set = normalizeSet(raw, mode);
      return applyRoutingChange(
        ctx,
        (diff) => (isEmpty(diff) ? undefined : { actor, action, operatorId, detail: { diff } }),
        async (trx) => {
          await requireOperator(trx, operatorId);
          const diff: RouteDiff = {};
          for (const kind of ROUTE_KINDS) {
            const values = set[kind];
            if (values)
              diff[kind] = await changeKind(
                trx,
                KIND_SPECS[kind],
                operatorId,
                mode,
                values,
                policy,
              );
          }
          return diff;
        },
      );
    },
  };
}

async function changeKind(
  trx: Knex.Transaction,
  spec: RouteKindSpec,
  operatorId: string,
  mode: RouteChangeMode,
  values: string[],
  policy: ClaimPolicy,
): Promise<KindDiff> {
  const current = new Set(await spec.current(trx, operatorId));
  const wanted = new Set(values);
  const added = mode === 'remove' ? [] : values.filter((v) => !current.has(v));
  const removed =
    mode === 'add' ? [] : mode === 'remove' ? values : [...current].filter((v) => !wanted.has(v));
  if (mode === 'remove')
    refuseNotOwned(
      spec,
      operatorId,
      values.filter((v) => !current.has(v)),
    );
  const approved = spec.approvalKind
    ? await approvedValues(trx, operatorId, spec.approvalKind)
    : new Set<string>();
  await checkClaims(trx, spec, operatorId, added, approved, policy);
  if (removed.length > 0) await spec.remove(trx, removed);
  if (added.length > 0) await spec.insert(trx, operatorId, added, approved);
  return { added, removed, unchanged: current.size - removed.length };
}

/**
 * The claim rules, in order: special purpose → too broad (unless approved) → held by
 * another → overlapping another (unless approved).
 */
async function checkClaims(
  trx: Knex.Transaction,
  spec: RouteKindSpec,
  operatorId: string,
  added: string[],
  approved: Set<string>,
  policy: ClaimPolicy,
): Promise<void> {
  if (added.length === 0) return;
  if (!policy.allowSpecialPurpose && spec.specialPurpose) {
    refuse(
      InputError,
      added.flatMap((v) => {
        const why = spec.specialPurpose!(v);
        return why ? [`${spec.noun} ${v} is refused: ${why}, a special-purpose block`] : [];
      }),
    );
  }
  if (spec.tooBroad) {
    refuse(
      ConflictError,
      added.flatMap((v) => {
        const why = approved.has(v) ? undefined : spec.tooBroad!(v);
        return why
          ? [
              `${spec.noun} ${v} of operator '${operatorId}' is refused: ${why} (an admin may approve it: switchboard overlaps approve ${operatorId} ${v})`,
            ]
          : [];
      }),
    );
  }
  refuse(
    ConflictError,
    (await spec.taken(trx, added)).map(
      (t) => `${spec.noun} ${t.value} is already registered to operator '${t.operatorId}'`,
    ),
  );
  if (!spec.overlaps) return;
  const conflicts: string[] = [];
  for (const value of added) {
    if (approved.has(value) || conflicts.length >= MAX_DETAILS) continue;
    for (const o of await spec.overlaps(trx, value, operatorId))
      conflicts.push(
        `${spec.noun} ${value} of operator '${operatorId}' overlaps ${o.value} of operator '${o.operatorId}' (an admin may approve it: switchboard overlaps approve ${operatorId} ${value})`,
      );
  }
  refuse(ConflictError, conflicts);
}

function refuseNotOwned(spec: RouteKindSpec, operatorId: string, missing: string[]): void {
  if (missing.length === 0) return;
  throw new NotFoundError(
    `operator '${operatorId}' has no ${spec.noun} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
  );
}

function refuse(Kind: typeof InputError | typeof ConflictError, messages: string[]): void {
  if (messages.length === 0) return;
  const details: ErrorDetail[] = messages.slice(0, MAX_DETAILS).map((message) => ({ message }));
  throw new Kind(messages[0]!, details);
}

async function requireOperator(trx: Knex.Transaction, id: string): Promise<void> {
  if (!(await getOperatorRow(trx, id))) throw new NotFoundError(`unknown operator '${id}'`);
}

/** Canonical, de-duplicated values per kind; every bad value is reported, nothing is written. */
export function normalizeSet(raw: unknown, mode: RouteChangeMode): RouteSet {
  const parsed = routeSetSchema.safeParse(raw);
  if (!parsed.success) throw refusal(parsed.error.issues);
  const set: RouteSet = {};
  const details: ErrorDetail[] = [];
  for (const kind of ROUTE_KINDS) {
    const values = parsed.data[kind];
    if (values !== undefined) set[kind] = normalizeValues(KIND_SPECS[kind], values, details);
  }
  if (details.length > 0) throw new InputError(details[0]!.message, details.slice(0, MAX_DETAILS));
  if (mode !== 'replace' && Object.values(set).every((v) => v.length === 0))
    throw new InputError('give at least one range, prefix or network');
  return set;
}

/** The shape's refusal (an unknown field, a kind that is no list) first, else each bad value. */
function refusal(issues: z.core.$ZodIssue[]): InputError {
  const shape =
    issues.find((i) => i.code === 'unrecognized_keys') ?? issues.find((i) => i.path.length < 2);
  if (shape) return new InputError(shape.message);
  const details = issues
    .slice(0, MAX_DETAILS)
    .map((i) => ({ field: String(i.path[0]), message: i.message }));
  return new InputError(details[0]!.message, details);
}

function normalizeValues(spec: RouteKindSpec, values: string[], details: ErrorDetail[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    try {
      out.add(spec.normalize(v));
    } catch (e) {
      details.push({ field: spec.kind, message: (e as Error).message });
    }
  }
  return [...out];
}

const isEmpty = (diff: RouteDiff) =>
  Object.values(diff).every((d) => d.added.length === 0 && d.removed.length === 0);
