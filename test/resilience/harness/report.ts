/** One row of the table `npm run test:resilience` prints. */
export interface ScenarioResult {
  readonly scenario: string;
  /** The load it ran under, e.g. "1,000 verifications, 12 concurrent". */
  readonly load: string;
  readonly faults: string;
  readonly requests: number;
  readonly expectedFailures: number;
  readonly unexpectedFailures: number;
  /** Usage records of answered API calls missing from the database (must be 0). */
  readonly dataLost: number;
  /** Key figures: recovery times, memory, latencies. */
  readonly measured: string;
  /** Why it failed, when it did (each broken expectation). */
  readonly problems: readonly string[];
}

export const passed = (r: ScenarioResult) =>
  r.problems.length === 0 && r.unexpectedFailures === 0 && r.dataLost === 0;

const COLUMNS = [
  'scenario',
  'load',
  'faults injected',
  'requests',
  'failures exp / unexp',
  'data lost',
  'measured',
  'result',
] as const;

const int = (n: number) => n.toLocaleString('en-US');

/** A plain-text table with wrapped cells, so it reads in a CI log of any width. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const widths = [18, 28, 30, 9, 11, 5, 40, 6];
  const rows = results.map((r) => [
    r.scenario,
    r.load,
    r.faults,
    int(r.requests),
    `${int(r.expectedFailures)} / ${int(r.unexpectedFailures)}`,
    int(r.dataLost),
    r.measured,
    passed(r) ? 'PASS' : 'FAIL',
  ]);
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const render = (cells: readonly string[]) => {
    const wrapped = cells.map((c, i) => wrap(c, widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let y = 0; y < height; y += 1)
      out.push(`| ${wrapped.map((w, i) => (w[y] ?? '').padEnd(widths[i]!)).join(' | ')} |`);
    return out.join('\n');
  };
  return [line, render(COLUMNS), line, ...rows.flatMap((r) => [render(r), line])].join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
    while (current.length > width) {
      lines.push(current.slice(0, width));
      current = current.slice(width);
    }
  }
  if (current) lines.push(current);
  return lines.length ? lines : [''];
}
