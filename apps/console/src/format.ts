// How numbers and times read on every page: the same text in charts, totals and tables.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : integer.format(n);
}

/** 0..1 → "66.7 %"; null (nothing counted) → "—". */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${(rate * 100).toFixed(1)} %`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return `${ms < 10 ? ms.toFixed(1).replace(/\.0$/, '') : Math.round(ms)} ms`;
}

/** ok / total as a 0..1 rate, null when nothing was counted. */
export function rate(ok: number, total: number): number | null {
  return total > 0 ? ok / total : null;
}

/** "2026-12-04 10:05:09 UTC". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "12-04 10:00", an hour bucket's label on a chart axis. */
export function formatHour(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(5, 16).replace('T', ' ');
}

/** An <input type="datetime-local"> value read as UTC → ISO, or undefined when empty. */
export function utcInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** ISO → the value of an <input type="datetime-local"> in UTC (minutes). */
export function isoToUtcInput(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16);
}

/** ISO → the value of an <input type="date"> in UTC. */
export function isoToDay(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}
