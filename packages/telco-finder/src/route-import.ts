import type { ImportResult, RouteKind } from '@switchboard/contracts';
import type { Actor } from './model.js';
import { claimRoutes } from './route-change/apply.js';
import { ROUTE_KIND_STORES } from './route-change/kinds.js';
import { parseCsv } from './route-change/normalize.js';
import { importPolicy } from './route-change/policies.js';
import { applyRoutingChange, type RoutingContext } from './routing-context.js';
import { listOperatorRows } from './store/operator-store.js';
import { analyzeRoutes } from './store/routing-store.js';

export interface ImportOptions {
  allowOverlap?: boolean;
  /** Rows written so far, for progress reporting. */
  onProgress?: (phase: 'parsed' | 'written', rows: number) => void;
}

/**
 * Imports `operator_id,<value>` lines in one transaction under the import claim policy
 * (ADR 0002): every line is validated first (errors carry line numbers), then checked
 * against the stored routes in one sweep, then written. Any error leaves the database
 * exactly as it was.
 */
export const importRanges = importer('ranges');
export const importPrefixes = importer('prefixes');

function importer(kind: RouteKind) {
  return (
    ctx: RoutingContext,
    lines: AsyncIterable<string>,
    options: ImportOptions,
    actor: Actor,
  ): Promise<ImportResult> => importRoutes(ctx, kind, lines, options, actor);
}

async function importRoutes(
  ctx: RoutingContext,
  kind: RouteKind,
  lines: AsyncIterable<string>,
  options: ImportOptions,
  actor: Actor,
): Promise<ImportResult> {
  const store = ROUTE_KIND_STORES[kind];
  const allowOverlap = !!options.allowOverlap;
  const claims = await parseCsv(lines, store, (n) => options.onProgress?.('parsed', n));
  const byOperator: Record<string, number> = {};
  for (const c of claims) byOperator[c.operatorId] = (byOperator[c.operatorId] ?? 0) + 1;
  const result = await applyRoutingChange<ImportResult>(
    ctx,
    (done) => ({ actor, action: `${kind}.import`, detail: { ...done, allowOverlap } }),
    async (trx) => {
      const knownOperators = new Set((await listOperatorRows(trx)).map((o) => o.id));
      await claimRoutes(trx, store, claims, importPolicy(allowOverlap), {
        bulk: true,
        knownOperators,
        onWritten: (n) => options.onProgress?.('written', n),
      });
      return { imported: claims.length, byOperator };
    },
  );
  await analyzeRoutes(ctx.knex);
  return result;
}
