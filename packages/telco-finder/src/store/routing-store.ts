import type { Knex } from 'knex';
import { storableJson } from '@switchboard/db';
import type { Actor, IpRangeRecord, MsisdnPrefixRecord, NetworkRecord } from '../model.js';
import { actorName } from '../model.js';
import { iso } from './operator-store.js';

/** Executor: the knex instance or a transaction. */
export type Db = Knex | Knex.Transaction;

export const ROUTING_CHANNEL = 'switchboard_routing';
// Any constant works; it serialises routing writers across every process on the database.
const ROUTING_LOCK_KEY = 7_270_001;
const INSERT_BATCH = 5_000;

export interface Overlap {
  operatorId: string;
  value: string;
}

export async function lockRouting(trx: Knex.Transaction): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [ROUTING_LOCK_KEY]);
}

/** Queued inside the transaction: PostgreSQL delivers it only if the change commits. */
export async function notifyRoutingChanged(trx: Db, payload: string): Promise<void> {
  await trx.raw('SELECT pg_notify(?, ?)', [ROUTING_CHANNEL, payload]);
}

export async function listRanges(db: Db, operatorId?: string): Promise<IpRangeRecord[]> {
  const q = db('ip_ranges')
    .select('operator_id', db.raw('range::text AS cidr'), 'allow_overlap', 'created_at')
    .orderByRaw('family(range), range');
  if (operatorId) q.where({ operator_id: operatorId });
  const rows = (await q) as Array<{
    operator_id: string;
    cidr: string;
    allow_overlap: boolean;
    created_at: Date;
  }>;
  return rows.map((r) => ({
    operatorId: r.operator_id,
    cidr: r.cidr,
    allowOverlap: r.allow_overlap,
    createdAt: iso(r.created_at),
  }));
}

/** Ranges of *other* operators that contain or are contained in `cidr` (GiST `&&`). */
export async function findRangeOverlaps(
  db: Db,
  cidr: string,
  operatorId: string,
): Promise<Overlap[]> {
  const { rows } = await db.raw(
    `SELECT operator_id, range::text AS value FROM ip_ranges
      WHERE range && ?::cidr AND operator_id <> ? ORDER BY masklen(range) LIMIT 5`,
    [cidr, operatorId],
  );
  return (rows as Array<{ operator_id: string; value: string }>).map((r) => ({
    operatorId: r.operator_id,
    value: r.value,
  }));
}

export async function findExistingRanges(db: Db, cidrs: string[]): Promise<Overlap[]> {
  if (cidrs.length === 0) return [];
  const { rows } = await db.raw(
    `SELECT operator_id, range::text AS value FROM ip_ranges WHERE range = ANY(?::cidr[])`,
    [cidrs],
  );
  return (rows as Array<{ operator_id: string; value: string }>).map((r) => ({
    operatorId: r.operator_id,
    value: r.value,
  }));
}

/** Every range, for the bulk overlap sweep and the index build. */
export async function allRanges(
  db: Db,
  activeOnly = false,
): Promise<Array<{ operatorId: string; cidr: string }>> {
  const { rows } = await db.raw(
    `SELECT r.operator_id, r.range::text AS cidr FROM ip_ranges r
       ${activeOnly ? "JOIN operators o ON o.id = r.operator_id AND o.status = 'active'" : ''}`,
  );
  return (rows as Array<{ operator_id: string; cidr: string }>).map((r) => ({
    operatorId: r.operator_id,
    cidr: r.cidr,
  }));
}

export async function insertRanges(
  db: Db,
  rows: Array<{ operatorId: string; cidr: string; allowOverlap: boolean }>,
  onProgress?: (done: number) => void,
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const batch = rows.slice(i, i + INSERT_BATCH);
    // One statement per batch through unnest: far fewer round trips and parameters than
    // a VALUES list, and it works the same on PostgreSQL and PGlite.
    await db.raw(
      `INSERT INTO ip_ranges (operator_id, range, allow_overlap)
       SELECT * FROM unnest(?::text[], ?::cidr[], ?::boolean[])`,
      [batch.map((r) => r.operatorId), batch.map((r) => r.cidr), batch.map((r) => r.allowOverlap)],
    );
    onProgress?.(i + batch.length);
  }
}

export async function deleteRanges(db: Db, cidrs: string[]): Promise<Overlap[]> {
  const { rows } = await db.raw(
    `DELETE FROM ip_ranges WHERE range = ANY(?::cidr[]) RETURNING operator_id, range::text AS value`,
    [cidrs],
  );
  return (rows as Array<{ operator_id: string; value: string }>).map((r) => ({
    operatorId: r.operator_id,
    value: r.value,
  }));
}

export async function listPrefixes(db: Db, operatorId?: string): Promise<MsisdnPrefixRecord[]> {
  const q = db('msisdn_prefixes')
    .select('operator_id', 'prefix', 'allow_overlap', 'created_at')
    .orderBy('prefix');
  if (operatorId) q.where({ operator_id: operatorId });
  const rows = (await q) as Array<{
    operator_id: string;
    prefix: string;
    allow_overlap: boolean;
    created_at: Date;
  }>;
  return rows.map((r) => ({
    operatorId: r.operator_id,
    prefix: r.prefix,
    allowOverlap: r.allow_overlap,
    createdAt: iso(r.created_at),
  }));
}

/** Prefixes of other operators that `prefix` extends or that extend it ('346' vs '3460'). */
export async function findPrefixOverlaps(
  db: Db,
  prefix: string,
  operatorId: string,
): Promise<Overlap[]> {
  const { rows } = await db.raw(
    `SELECT operator_id, prefix AS value FROM msisdn_prefixes
      WHERE operator_id <> ? AND (starts_with(?, prefix) OR starts_with(prefix, ?))
      ORDER BY length(prefix) LIMIT 5`,
    [operatorId, prefix, prefix],
  );
  return (rows as Array<{ operator_id: string; value: string }>).map((r) => ({
    operatorId: r.operator_id,
    value: r.value,
  }));
}

export async function allPrefixes(
  db: Db,
  activeOnly = false,
): Promise<Array<{ operatorId: string; prefix: string }>> {
  const { rows } = await db.raw(
    `SELECT p.operator_id, p.prefix FROM msisdn_prefixes p
       ${activeOnly ? "JOIN operators o ON o.id = p.operator_id AND o.status = 'active'" : ''}`,
  );
  return (rows as Array<{ operator_id: string; prefix: string }>).map((r) => ({
    operatorId: r.operator_id,
    prefix: r.prefix,
  }));
}

export async function insertPrefixes(
  db: Db,
  rows: Array<{ operatorId: string; prefix: string; allowOverlap: boolean }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const batch = rows.slice(i, i + INSERT_BATCH);
    await db.raw(
      `INSERT INTO msisdn_prefixes (operator_id, prefix, allow_overlap)
       SELECT * FROM unnest(?::text[], ?::text[], ?::boolean[])`,
      [
        batch.map((r) => r.operatorId),
        batch.map((r) => r.prefix),
        batch.map((r) => r.allowOverlap),
      ],
    );
  }
}

export async function deletePrefixes(db: Db, prefixes: string[]): Promise<Overlap[]> {
  const { rows } = await db.raw(
    `DELETE FROM msisdn_prefixes WHERE prefix = ANY(?::text[]) RETURNING operator_id, prefix AS value`,
    [prefixes],
  );
  return (rows as Array<{ operator_id: string; value: string }>).map((r) => ({
    operatorId: r.operator_id,
    value: r.value,
  }));
}

export async function findExistingPrefixes(db: Db, prefixes: string[]): Promise<Overlap[]> {
  if (prefixes.length === 0) return [];
  const { rows } = await db.raw(
    `SELECT operator_id, prefix AS value FROM msisdn_prefixes WHERE prefix = ANY(?::text[])`,
    [prefixes],
  );
  return (rows as Array<{ operator_id: string; value: string }>).map((r) => ({
    operatorId: r.operator_id,
    value: r.value,
  }));
}

export async function listNetworks(db: Db, operatorId?: string): Promise<NetworkRecord[]> {
  const q = db('networks').select('operator_id', 'mcc_mnc', 'created_at').orderBy('mcc_mnc');
  if (operatorId) q.where({ operator_id: operatorId });
  const rows = (await q) as Array<{ operator_id: string; mcc_mnc: string; created_at: Date }>;
  return rows.map((r) => ({
    operatorId: r.operator_id,
    mccMnc: r.mcc_mnc,
    createdAt: iso(r.created_at),
  }));
}

export async function insertNetworks(
  db: Db,
  rows: Array<{ operatorId: string; mccMnc: string }>,
): Promise<void> {
  await db('networks').insert(rows.map((r) => ({ operator_id: r.operatorId, mcc_mnc: r.mccMnc })));
}

export async function deleteNetworks(db: Db, mccMncs: string[]): Promise<Overlap[]> {
  const rows = (await db('networks')
    .whereIn('mcc_mnc', mccMncs)
    .del()
    .returning(['operator_id', 'mcc_mnc'])) as Array<{
    operator_id: string;
    mcc_mnc: string;
  }>;
  return rows.map((r) => ({ operatorId: r.operator_id, value: r.mcc_mnc }));
}

export async function findNetworks(db: Db, mccMncs: string[]): Promise<Overlap[]> {
  const rows = (await db('networks')
    .whereIn('mcc_mnc', mccMncs)
    .select('operator_id', 'mcc_mnc')) as Array<{
    operator_id: string;
    mcc_mnc: string;
  }>;
  return rows.map((r) => ({ operatorId: r.operator_id, value: r.mcc_mnc }));
}

export interface AuditEntry {
  actor: Actor;
  action: string;
  operatorId?: string;
  target?: string;
  detail?: Record<string, unknown>;
}

export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    actor: actorName(entry.actor),
    action: entry.action,
    operator_id: entry.operatorId ?? null,
    target: entry.target ?? null,
    detail: storableJson(entry.detail ?? {}),
  });
}

/**
 * Refreshes planner statistics after a bulk load: with stale statistics PostgreSQL plans
 * `range >>= ip` as a bitmap AND with the operator index and runs ~20× slower (measured).
 */
export async function analyzeRoutes(db: Db): Promise<void> {
  await db.raw('ANALYZE operators, ip_ranges, msisdn_prefixes');
}

/** The SQL reference path: most specific range containing `ip` among active operators. */
export async function sqlLookupIp(
  db: Db,
  ip: string,
): Promise<{ operatorId: string; cidr: string } | undefined> {
  const { rows } = await db.raw(
    `SELECT r.operator_id, r.range::text AS cidr FROM ip_ranges r
       JOIN operators o ON o.id = r.operator_id AND o.status = 'active'
      WHERE r.range >>= ?::inet ORDER BY masklen(r.range) DESC LIMIT 1`,
    [ip],
  );
  const row = rows[0] as { operator_id: string; cidr: string } | undefined;
  return row ? { operatorId: row.operator_id, cidr: row.cidr } : undefined;
}
