import type { RoutingSyncState } from '@switchboard/contracts';
import { storableJson, storableText } from '@switchboard/db';
import type { Db } from './routing-store.js';
import { iso } from './operator-store.js';

interface StateRow {
  status: 'ok' | 'failed';
  last_attempt_at: Date | string;
  last_success_at: Date | string | null;
  last_error: string | null;
  consecutive_failures: number;
  last_change: unknown;
  next_due_at: Date | string;
}

export async function getSyncState(db: Db, operatorId: string): Promise<RoutingSyncState | null> {
  const row = (await db('routing_sync_state').where({ operator_id: operatorId }).first()) as
    StateRow | undefined;
  if (!row) return null;
  return {
    status: row.status,
    lastAttemptAt: iso(row.last_attempt_at),
    lastSuccessAt: row.last_success_at ? iso(row.last_success_at) : null,
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
    lastChange: typeof row.last_change === 'string' ? JSON.parse(row.last_change) : row.last_change,
    nextDueAt: iso(row.next_due_at),
  };
}

/** A new routing URL is due at once: its state starts over. */
export async function resetSyncState(db: Db, operatorId: string): Promise<void> {
  await db('routing_sync_state').where({ operator_id: operatorId }).del();
}

export async function recordSyncSuccess(
  db: Db,
  operatorId: string,
  change: unknown,
  nextDueInMs: number,
): Promise<void> {
  await db.raw(
    `INSERT INTO routing_sync_state AS s (operator_id, status, last_attempt_at, last_success_at,
            last_error, consecutive_failures, last_change, next_due_at)
     VALUES (?, 'ok', now(), now(), NULL, 0, ?::jsonb, now() + ? * interval '1 millisecond')
     ON CONFLICT (operator_id) DO UPDATE SET status = 'ok', last_attempt_at = now(),
            last_success_at = now(), last_error = NULL, consecutive_failures = 0,
            last_change = EXCLUDED.last_change, next_due_at = EXCLUDED.next_due_at`,
    [operatorId, storableJson(change), nextDueInMs],
  );
}

export async function recordSyncFailure(
  db: Db,
  operatorId: string,
  error: string,
  nextDueInMs: number,
): Promise<void> {
  await db.raw(
    `INSERT INTO routing_sync_state AS s (operator_id, status, last_attempt_at, last_error,
            consecutive_failures, next_due_at)
     VALUES (?, 'failed', now(), ?, 1, now() + ? * interval '1 millisecond')
     ON CONFLICT (operator_id) DO UPDATE SET status = 'failed', last_attempt_at = now(),
            last_error = EXCLUDED.last_error, consecutive_failures = s.consecutive_failures + 1,
            next_due_at = EXCLUDED.next_due_at`,
    [operatorId, storableText(error), nextDueInMs],
  );
}

/** Active operators with a routing URL whose next sync is due (never synced: due now). */
export async function listDueSources(
  db: Db,
): Promise<Array<{ operatorId: string; routingUrl: string }>> {
  const { rows } = await db.raw(
    `SELECT o.id, o.routing_url FROM operators o
       LEFT JOIN routing_sync_state s ON s.operator_id = o.id
      WHERE o.routing_url IS NOT NULL AND o.status = 'active'
        AND (s.next_due_at IS NULL OR s.next_due_at <= now())
      ORDER BY s.next_due_at NULLS FIRST, o.id`,
  );
  return (rows as Array<{ id: string; routing_url: string }>).map((r) => ({
    operatorId: r.id,
    routingUrl: r.routing_url,
  }));
}

/**
 * Takes or renews a named lease; true while `holder` has it. One atomic statement, so of
 * several processes on one database exactly one wins until its lease lapses.
 */
export async function tryLease(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const { rows } = await db.raw(
    `INSERT INTO leases AS l (name, holder, expires_at)
     VALUES (?, ?, now() + ? * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE l.holder = EXCLUDED.holder OR l.expires_at < now()
     RETURNING holder`,
    [name, holder, ttlMs],
  );
  return (rows as unknown[]).length === 1;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db('leases').where({ name, holder }).del();
}
