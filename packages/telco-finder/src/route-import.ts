import type { Knex } from 'knex';
import type { ImportResult } from '@switchboard/contracts';
import { ConflictError, InputError, type ErrorDetail } from './errors.js';
import type { Actor } from './model.js';
import { findRangeConflicts, type SweepRange } from './overlap/range-sweep.js';
import { applyRoutingChange, type RoutingContext } from './routing-context.js';
import { canonicalCidr, canonicalPrefix } from './route-service.js';
import {
  allPrefixes,
  analyzeRoutes,
  allRanges,
  insertPrefixes,
  insertRanges,
} from './store/routing-store.js';
import { listOperatorRows } from './store/operator-store.js';

export interface ImportOptions {
  allowOverlap?: boolean;
  /** Rows written so far, for progress reporting. */
  onProgress?: (phase: 'parsed' | 'written', rows: number) => void;
}

const MAX_REPORTED = 20;

interface Row {
  operatorId: string;
  value: string;
  line: number;
}

/**
 * Imports `operator_id,<value>` lines in one transaction: every line is validated first
 * (errors carry line numbers), then checked against the stored routes, then written.
 * Any error leaves the database exactly as it was.
 */
export async function importRanges(
  ctx: RoutingContext,
  lines: AsyncIterable<string>,
  options: ImportOptions,
  actor: Actor,
): Promise<ImportResult> {
  const rows = await parseLines(lines, canonicalCidr, 'cidr', options);
  return applyImport(ctx, rows, 'ranges.import', actor, options, async (trx) => {
    const stored = await allRanges(trx);
    const sweep: SweepRange[] = stored.map((s) => ({ ...s, isNew: false, allowOverlap: false }));
    for (const r of rows)
      sweep.push({
        operatorId: r.operatorId,
        cidr: r.value,
        isNew: true,
        allowOverlap: !!options.allowOverlap,
        line: r.line,
      });
    const conflicts = findRangeConflicts(sweep, MAX_REPORTED);
    refuse(
      conflicts.map((c) => ({
        line: c.range.line,
        message:
          c.kind === 'duplicate'
            ? `${c.range.cidr} is already ${c.other.isNew ? `listed on line ${c.other.line}` : `registered to operator '${c.other.operatorId}'`}`
            : `${c.range.cidr} of operator '${c.range.operatorId}' overlaps ${c.other.cidr} of operator '${c.other.operatorId}'${c.other.isNew ? ` (line ${c.other.line})` : ''}`,
      })),
    );
    await insertRanges(
      trx,
      rows.map((r) => ({
        operatorId: r.operatorId,
        cidr: r.value,
        allowOverlap: !!options.allowOverlap,
      })),
      (n) => options.onProgress?.('written', n),
    );
  });
}

export async function importPrefixes(
  ctx: RoutingContext,
  lines: AsyncIterable<string>,
  options: ImportOptions,
  actor: Actor,
): Promise<ImportResult> {
  const rows = await parseLines(lines, canonicalPrefix, 'prefix', options);
  return applyImport(ctx, rows, 'prefixes.import', actor, options, async (trx) => {
    const all = [
      ...(await allPrefixes(trx)).map((p) => ({
        operatorId: p.operatorId,
        value: p.prefix,
        line: 0,
      })),
      ...rows,
    ];
    refuse(prefixConflicts(all, !!options.allowOverlap));
    await insertPrefixes(
      trx,
      rows.map((r) => ({
        operatorId: r.operatorId,
        prefix: r.value,
        allowOverlap: !!options.allowOverlap,
      })),
    );
  });
}

async function applyImport(
  ctx: RoutingContext,
  rows: Row[],
  action: string,
  actor: Actor,
  options: ImportOptions,
  write: (trx: Knex.Transaction) => Promise<void>,
): Promise<ImportResult> {
  const byOperator: Record<string, number> = {};
  for (const r of rows) byOperator[r.operatorId] = (byOperator[r.operatorId] ?? 0) + 1;
  const result = await applyRoutingChange<ImportResult>(
    ctx,
    (done) => ({ actor, action, detail: { ...done, allowOverlap: !!options.allowOverlap } }),
    async (trx) => {
      const known = new Set((await listOperatorRows(trx)).map((o) => o.id));
      refuse(
        rows
          .filter((r) => !known.has(r.operatorId))
          .map((r) => ({ line: r.line, message: `unknown operator '${r.operatorId}'` })),
        InputError,
      );
      await write(trx);
      return { imported: rows.length, byOperator };
    },
  );
  await analyzeRoutes(ctx.knex);
  return result;
}

async function parseLines(
  lines: AsyncIterable<string>,
  normalize: (v: string) => string,
  column: string,
  options: ImportOptions,
): Promise<Row[]> {
  const rows: Row[] = [];
  const errors: ErrorDetail[] = [];
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) continue;
    if (line === 1 && text.replace(/\s/g, '').toLowerCase() === `operator_id,${column}`) continue;
    const comma = text.indexOf(',');
    if (comma < 0 || text.indexOf(',', comma + 1) >= 0) {
      if (errors.length < MAX_REPORTED)
        errors.push({ line, message: `expected "operator_id,${column}"` });
      continue;
    }
    try {
      rows.push({
        operatorId: text.slice(0, comma).trim(),
        value: normalize(text.slice(comma + 1)),
        line,
      });
    } catch (e) {
      if (errors.length < MAX_REPORTED) errors.push({ line, message: (e as Error).message });
    }
    if (rows.length % 100_000 === 0) options.onProgress?.('parsed', rows.length);
  }
  if (errors.length > 0)
    throw new InputError(`line ${errors[0]!.line}: ${errors[0]!.message}`, errors);
  if (rows.length === 0) throw new InputError('the file has no rows');
  return rows;
}

/** Same rule as for ranges: a prefix may not extend or equal another operator's prefix. */
function prefixConflicts(all: Row[], allowOverlap: boolean): ErrorDetail[] {
  const sorted = [...all].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const out: ErrorDetail[] = [];
  const open: Row[] = [];
  for (const row of sorted) {
    while (open.length > 0 && !row.value.startsWith(open[open.length - 1]!.value)) open.pop();
    for (const outer of open) {
      const [mine, theirs] = row.line ? [row, outer] : [outer, row];
      if (!mine.line) continue;
      const equal = outer.value === row.value;
      if (!equal && (allowOverlap || mine.operatorId === theirs.operatorId)) continue;
      out.push({
        line: mine.line,
        message: equal
          ? `prefix ${mine.value} is already ${theirs.line ? `listed on line ${theirs.line}` : `registered to operator '${theirs.operatorId}'`}`
          : `prefix ${mine.value} of operator '${mine.operatorId}' overlaps ${theirs.value} of operator '${theirs.operatorId}'`,
      });
      if (out.length >= MAX_REPORTED) return out;
    }
    open.push(row);
  }
  return out;
}

function refuse(
  details: ErrorDetail[],
  Kind: typeof ConflictError | typeof InputError = ConflictError,
): void {
  if (details.length === 0) return;
  const first = details[0]!;
  throw new Kind(first.line ? `line ${first.line}: ${first.message}` : first.message, details);
}
