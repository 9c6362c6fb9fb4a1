import type { Knex } from 'knex';
import type { RateCounterStore } from './rate-limiter.js';

const TABLE = 'rate_limit_counters';

/**
 * The shared counters of every aggregator process. One multi-row upsert per batch; rows
 * are sent in bucket order so two processes updating overlapping buckets take the row
 * locks in the same order and never deadlock.
 */
export function createRateLimitStore(
  knex: Knex,
  hashKey: (key: string) => string,
): RateCounterStore {
  return {
    async add(windowStart, expiresAt, deltas) {
      const byBucket = new Map<string, { keys: string[]; delta: number }>();
      for (const [key, delta] of deltas) {
        const bucket = hashKey(key);
        const row = byBucket.get(bucket) ?? { keys: [], delta: 0 };
        row.keys.push(key);
        row.delta += delta;
        byBucket.set(bucket, row);
      }
      const rows = [...byBucket]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([bucket, r]) => ({
          bucket,
          window_start: windowStart,
          count: r.delta,
          expires_at: new Date(expiresAt),
        }));
      if (rows.length === 0) return new Map();
      const result = await knex(TABLE)
        .insert(rows)
        .onConflict(['bucket', 'window_start'])
        .merge({ count: knex.raw('?? + excluded.count', [`${TABLE}.count`]) })
        .returning(['bucket', 'count']);
      const totals = new Map<string, number>();
      for (const { bucket, count } of result as Array<{ bucket: string; count: string }>) {
        for (const key of byBucket.get(bucket)?.keys ?? []) totals.set(key, Number(count));
      }
      return totals;
    },
    async deleteExpired(now) {
      await knex(TABLE).where('expires_at', '<', new Date(now)).delete();
    },
  };
}
