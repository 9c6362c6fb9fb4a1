import type { Knex } from 'knex';
import { isStorableText } from '@switchboard/db';

export interface ConsoleAuditQuery {
  readonly operatorId?: string;
  readonly action?: string;
  readonly actor?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Only entries older than this id (the previous page's `next`). */
  readonly before?: number;
  readonly limit: number;
}

export interface ConsoleAuditRow {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly operatorId: string | null;
  readonly detail: Record<string, unknown>;
}

/** Newest first, one page of `limit` entries. */
export async function listAuditPage(knex: Knex, q: ConsoleAuditQuery): Promise<ConsoleAuditRow[]> {
  const texts = [q.operatorId, q.action, q.actor].filter((t) => t !== undefined);
  if (!texts.every(isStorableText)) return [];
  const query = knex('audit_log')
    .select('id', 'at', 'actor', 'action', 'operator_id', 'detail')
    .orderBy('id', 'desc')
    .limit(q.limit);
  if (q.operatorId !== undefined) query.where('operator_id', q.operatorId);
  if (q.action !== undefined) query.where('action', q.action);
  if (q.actor !== undefined) query.where('actor', q.actor);
  if (q.from !== undefined) query.where('at', '>=', q.from);
  if (q.to !== undefined) query.where('at', '<', q.to);
  if (q.before !== undefined) query.where('id', '<', q.before);
  const rows = (await query) as Array<{
    id: string | number;
    at: Date | string;
    actor: string;
    action: string;
    operator_id: string | null;
    detail: Record<string, unknown> | string;
  }>;
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    operatorId: r.operator_id,
    detail:
      typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
  }));
}
