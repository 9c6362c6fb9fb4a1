import { isStorableText } from '@switchboard/db';
import { InputError, NotFoundError } from './errors.js';
import { actorName, type Actor } from './model.js';
import { applyRoutingChange, type RoutingContext } from './routing-context.js';
import { canonicalCidr, canonicalPrefix } from './route-change/normalize.js';
import { getOperatorRow } from './store/operator-store.js';
import {
  deleteApprovals,
  insertApprovals,
  listApprovals,
  type ApprovalKind,
  type OverlapApproval,
} from './store/overlap-approval-store.js';

export interface OverlapApprovals {
  /** Lets `operatorId` claim these ranges or prefixes although they overlap another operator's. */
  approve(
    operatorId: string,
    values: string[],
    actor: Actor,
    note?: string,
  ): Promise<OverlapApproval[]>;
  revoke(operatorId: string, values: string[], actor: Actor): Promise<number>;
  list(operatorId?: string): Promise<OverlapApproval[]>;
}

/**
 * Admin approvals of overlapping claims. An approval covers one exact value; routes already
 * claimed under it stay (revoking only stops new claims), and exact duplicates of another
 * operator's route are never allowed.
 */
export function createOverlapApprovals(ctx: RoutingContext): OverlapApprovals {
  return {
    async approve(operatorId, raw, actor, note) {
      const values = classifyAll(raw);
      // Found by the fuzz suite: a NUL byte in the note failed the insert with a 500.
      if (note !== undefined && !isStorableText(note))
        throw new InputError('note must not contain a NUL character');
      return applyRoutingChange(
        ctx,
        (added) => ({
          actor,
          action: 'overlaps.approve',
          operatorId,
          detail: { approved: added.map((a) => `${a.kind} ${a.value}`), note: note ?? null },
        }),
        async (trx) => {
          if (!(await getOperatorRow(trx, operatorId)))
            throw new NotFoundError(`unknown operator '${operatorId}'`);
          return insertApprovals(
            trx,
            values.map((v) => ({ operatorId, ...v })),
            actorName(actor),
            note ?? null,
          );
        },
        { routesChanged: false },
      );
    },

    async revoke(operatorId, raw, actor) {
      const values = classifyAll(raw);
      return applyRoutingChange(
        ctx,
        () => ({
          actor,
          action: 'overlaps.revoke',
          operatorId,
          detail: { revoked: values.map((v) => `${v.kind} ${v.value}`) },
        }),
        async (trx) => {
          const deleted = await deleteApprovals(trx, operatorId, values);
          if (deleted !== values.length)
            throw new NotFoundError(`operator '${operatorId}' has no such approval`);
          return deleted;
        },
        { routesChanged: false },
      );
    },

    list: (operatorId) => listApprovals(ctx.knex, operatorId),
  };
}

/** A CIDR has a '.' or ':'; anything else must be an MSISDN prefix. */
function classify(value: string): { kind: ApprovalKind; value: string } {
  if (/[.:]/.test(value)) return { kind: 'range', value: canonicalCidr(value) };
  return { kind: 'prefix', value: canonicalPrefix(value) };
}

/** The list itself (1 to 1000 strings) is the admin API contract's `overlapApproveSchema`. */
function classifyAll(values: string[]): Array<{ kind: ApprovalKind; value: string }> {
  return values.map(classify);
}
