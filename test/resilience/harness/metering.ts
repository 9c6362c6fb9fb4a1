import type { Knex } from 'knex';
import { sleep } from './processes.js';

/** Usage records whose x-correlator starts with `prefix` (each call of a scenario has one). */
export async function meteredCount(knex: Knex, prefix: string): Promise<number> {
  const row = await knex('usage_events')
    .where('correlator', 'like', `${prefix}%`)
    .count<{ count: number | string }[]>({ count: '*' })
    .first();
  return Number(row?.count ?? 0);
}

/**
 * Waits until the aggregators have written `expected` records for `prefix` (they buffer and
 * write every USAGE_FLUSH_INTERVAL_MS), and returns how many are missing after `timeoutMs`.
 * More than expected would be double counting: reported as a negative loss.
 */
export async function missingUsage(
  knex: Knex,
  prefix: string,
  expected: number,
  timeoutMs = 15_000,
): Promise<number> {
  const until = Date.now() + timeoutMs;
  let found = await meteredCount(knex, prefix);
  while (found < expected && Date.now() < until) {
    await sleep(250);
    found = await meteredCount(knex, prefix);
  }
  return expected - found;
}
