/** One measured number; `target` is '≥ N' or '≤ N' (commas allowed) so the runner can judge it. */
export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

export interface BenchContext {
  /** Full garbage collection, so memory deltas measure what is retained. */
  gc(): void;
  /** Progress line on stderr; stdout carries only the table (or JSON). */
  log(line: string): void;
}

/** What every bench module exports. */
export interface BenchModule {
  run(ctx: BenchContext): Promise<BenchRow[]>;
}
