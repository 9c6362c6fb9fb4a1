import type { AuditRecord } from '@switchboard/contracts';
import { isStorableText } from '@switchboard/db';
import type { Db } from './routing-store.js';
import { iso } from './operator-store.js';

export interface AuditQuery {
  operatorId?: string;
  since?: Date;
  limit?: number;
}

interface AuditRow {
  id: string | number;
  at: Date | string;
  actor: string;
  action: string;
  operator_id: string | null;
  detail: Record<string, unknown> | string;
}

/** Oldest first, so a listing reads as a history; `limit` keeps the newest entries. */
export async function listAudit(db: Db, query: AuditQuery): Promise<AuditRecord[]> {
  const q = db('audit_log')
    .select<AuditRow[]>('id', 'at', 'actor', 'action', 'operator_id', 'detail')
    .orderBy('id', 'desc')
    .limit(query.limit ?? 100);
  if (query.operatorId) {
    if (!isStorableText(query.operatorId)) return [];
    q.where({ operator_id: query.operatorId });
  }
  if (query.since) q.where('at', '>=', query.since);
  const rows = await q;
  return rows.reverse().map((r) => ({
    id: Number(r.id),
    at: iso(r.at),
    actor: r.actor,
    action: r.action,
    operatorId: r.operator_id,
    detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail,
  }));
}
