// `npm run bench [name…] [--json]`: runs the bench modules in order and prints one table.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BenchContext, BenchModule, BenchRow } from './types.js';

const benches: { name: string; load: () => Promise<BenchModule> }[] = [
  { name: 'finder-index', load: () => import('./finder-index.js') },
  { name: 'finder-sql', load: () => import('./finder-sql.js') },
  { name: 'proxy', load: () => import('./proxy.js') },
  { name: 'nested-flow', load: () => import('./nested-flow.js') },
  { name: 'backend-flow', load: () => import('./backend-flow.js') },
  { name: 'operator-token', load: () => import('./operator-token.js') },
  { name: 'workers', load: () => import('./workers.js') },
  { name: 'scale', load: () => import('./scale.js') },
  { name: 'tracing', load: () => import('./tracing.js') },
];

/** A gc() even when node was not started with --expose-gc (the npm script cannot pass it). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => gc();
}

/** 'pass' / 'FAIL' for targets of the form '≥ N' or '≤ N'; blank otherwise. */
function verdict(row: BenchRow): string {
  const target = /^([≥≤])\s*([\d,.]+)/.exec(row.target ?? '');
  if (!target?.[1] || !target[2]) return '';
  const limit = Number(target[2].replaceAll(',', ''));
  const ok = target[1] === '≥' ? row.value >= limit : row.value <= limit;
  return ok ? 'pass' : 'FAIL';
}

function formatValue(value: number): string {
  // Ratios and sub-millisecond gaps need their second and third digits to meet a target.
  const digits = Math.abs(value) < 10 ? 3 : value < 100 ? 1 : 0;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function table(rows: BenchRow[]): string {
  const header = ['bench', 'metric', 'value', 'unit', 'target', 'ok', 'note'];
  const cells = rows.map((row) => [
    row.bench,
    row.metric,
    formatValue(row.value),
    row.unit,
    row.target ?? '',
    verdict(row),
    row.note ?? '',
  ]);
  const widths = header.map((title, c) =>
    Math.max(title.length, ...cells.map((r) => r[c]!.length)),
  );
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !benches.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench: ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}\n`,
    );
    return 2;
  }
  const ctx: BenchContext = { gc: exposeGc(), log: (line) => process.stderr.write(`${line}\n`) };
  const rows: BenchRow[] = [];
  for (const bench of benches) {
    if (names.length > 0 && !names.includes(bench.name)) continue;
    ctx.log(`# ${bench.name}`);
    rows.push(...(await (await bench.load()).run(ctx)));
  }
  process.stdout.write(json ? `${JSON.stringify(rows, null, 2)}\n` : `${table(rows)}\n`);
  return rows.some((row) => verdict(row) === 'FAIL') ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
