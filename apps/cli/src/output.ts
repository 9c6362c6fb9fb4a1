import type { CliIo } from './io.js';

export interface Output {
  json: boolean;
  /** Prints `data` as JSON with --json, else the human rendering. */
  result(data: unknown, human: () => string): void;
  info(line: string): void;
}

export function createOutput(io: CliIo, json: boolean): Output {
  return {
    json,
    result(data, human) {
      io.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
    info(line) {
      if (!json) io.stderr.write(`${line}\n`);
    },
  };
}

/** A plain aligned table; `(none)` when empty. */
export function table(
  headers: string[],
  rows: Array<Array<string | number | boolean | undefined>>,
): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n');
}

export function keyValues(entries: Array<[string, string | number | boolean | undefined]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${v ?? ''}`).join('\n');
}
