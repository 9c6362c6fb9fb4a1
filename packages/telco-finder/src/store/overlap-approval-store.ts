import type { ApprovalKind, OverlapApproval } from '@switchboard/contracts';
import { isStorableText } from '@switchboard/db';
import type { Db } from './routing-store.js';
import { iso } from './operator-store.js';

export type { ApprovalKind, OverlapApproval };

interface ApprovalRow {
  operator_id: string;
  kind: ApprovalKind;
  value: string;
  approved_by: string;
  note: string | null;
  created_at: Date | string;
}

const toApproval = (r: ApprovalRow): OverlapApproval => ({
  operatorId: r.operator_id,
  kind: r.kind,
  value: r.value,
  approvedBy: r.approved_by,
  note: r.note,
  createdAt: iso(r.created_at),
});

export async function listApprovals(db: Db, operatorId?: string): Promise<OverlapApproval[]> {
  const q = db('overlap_approvals')
    .select<ApprovalRow[]>('*')
    .orderBy(['operator_id', 'kind', 'value']);
  if (operatorId) {
    // A key no text column can hold matches nothing (storable-text.ts).
    if (!isStorableText(operatorId)) return [];
    q.where({ operator_id: operatorId });
  }
  return (await q).map(toApproval);
}

/** The values of `kind` an operator may claim despite overlapping another operator. */
export async function approvedValues(
  db: Db,
  operatorId: string,
  kind: ApprovalKind,
): Promise<Set<string>> {
  const rows = (await db('overlap_approvals')
    .where({ operator_id: operatorId, kind })
    .select('value')) as Array<{ value: string }>;
  return new Set(rows.map((r) => r.value));
}

export async function insertApprovals(
  db: Db,
  rows: Array<{ operatorId: string; kind: ApprovalKind; value: string }>,
  approvedBy: string,
  note: string | null,
): Promise<OverlapApproval[]> {
  const inserted = (await db('overlap_approvals')
    .insert(
      rows.map((r) => ({
        operator_id: r.operatorId,
        kind: r.kind,
        value: r.value,
        approved_by: approvedBy,
        note,
      })),
    )
    .onConflict(['operator_id', 'kind', 'value'])
    .ignore()
    .returning('*')) as ApprovalRow[];
  return inserted.map(toApproval);
}

export async function deleteApprovals(
  db: Db,
  operatorId: string,
  rows: Array<{ kind: ApprovalKind; value: string }>,
): Promise<number> {
  if (!isStorableText(operatorId)) return 0;
  let deleted = 0;
  // Counted from RETURNING: knex-pglite answers del() with a result object, not a count.
  for (const r of rows)
    deleted += (
      await db('overlap_approvals')
        .where({ operator_id: operatorId, kind: r.kind, value: r.value })
        .del()
        .returning('id')
    ).length;
  return deleted;
}
