import type { Knex } from 'knex';

/** A column of secret-box envelopes, and the row key its context (AAD) is built from. */
export interface SealedColumn {
  readonly table: string;
  readonly key: string;
  readonly column: string;
  /** A second column the context is built from, besides the row key (e.g. the client id). */
  readonly contextColumn?: string;
}

export interface ResealBatch {
  /** The last row key of this batch; undefined when the table has no more rows. */
  readonly last: string | undefined;
  readonly scanned: number;
  readonly resealed: number;
  /** Row keys whose value could not be opened (e.g. sealed under a master key not configured). */
  readonly failed: string[];
}

/**
 * Rewrites one batch of envelopes, in key order after `after`, in one transaction: the rows
 * are locked (FOR UPDATE) so a concurrent write of the same row waits and is never lost.
 * `reseal` returns the new envelope, or undefined when the value is already current.
 */
export async function resealBatch(
  knex: Knex,
  spec: SealedColumn,
  after: string | undefined,
  limit: number,
  reseal: (key: string, sealed: string, contextValue?: string) => string | undefined,
): Promise<ResealBatch> {
  return knex.transaction(async (trx) => {
    const query = trx(spec.table)
      .select({
        key: spec.key,
        sealed: spec.column,
        ...(spec.contextColumn ? { contextValue: spec.contextColumn } : {}),
      })
      .whereNotNull(spec.column)
      .orderBy(spec.key)
      .limit(limit)
      .forUpdate();
    if (after !== undefined) query.where(spec.key, '>', after);
    const rows = (await query) as Array<{ key: string; sealed: string; contextValue?: string }>;
    let resealed = 0;
    const failed: string[] = [];
    for (const row of rows) {
      let next: string | undefined;
      try {
        next = reseal(row.key, row.sealed, row.contextValue);
      } catch {
        failed.push(row.key);
        continue;
      }
      if (next === undefined) continue;
      await trx(spec.table)
        .where(spec.key, row.key)
        .update({ [spec.column]: next });
      resealed += 1;
    }
    return { last: rows.at(-1)?.key, scanned: rows.length, resealed, failed };
  });
}
