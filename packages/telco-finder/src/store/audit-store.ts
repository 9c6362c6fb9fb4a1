import { isStorableText } from '@switchboard/db';
import { InputError } from '../errors.js';
import type { Db } from './routing-store.js';
import { iso } from './operator-store.js';

/** One audit-log entry: who (actor), what (action, detail with before/after), when (at). */
export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  operatorId: string | null;
  detail: Record<string, unknown>;
}

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

/**
 * The `since` of an audit query: a time JavaScript reads and PostgreSQL stores (years
 * 1–9999). Found by the fuzz suites: a year before 4713 BC failed the query with a 500.
 */
export function parseAuditSince(value: string): Date {
  const at = new Date(value);
  const year = at.getUTCFullYear();
  if (Number.isNaN(at.getTime()) || year < 1 || year > 9999)
    throw new InputError(`since: not a time: '${value}' (e.g. 2026-12-01 or 2026-12-01T10:00:00Z)`);
  return at;
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
