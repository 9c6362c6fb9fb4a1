import type { Outcome } from './verification.js';

/**
 * Counts what a scenario saw. Every failure is judged by the scenario: expected (the fault
 * explains it and it failed cleanly) or unexpected; a few samples of each kind are kept.
 */
export class Tally {
  ok = 0;
  expected = 0;
  unexpected = 0;
  readonly kinds = new Map<string, { expected: number; unexpected: number }>();
  /** The first few unexpected failures and when they happened (epoch ms), to diagnose. */
  readonly firstUnexpected: Array<{ kind: string; at: number }> = [];

  add(o: Outcome, expected: (o: Outcome) => boolean): void {
    if (o.ok) {
      this.ok += 1;
      return;
    }
    const isExpected = expected(o);
    if (isExpected) this.expected += 1;
    else this.unexpected += 1;
    if (!isExpected && this.firstUnexpected.length < 5)
      this.firstUnexpected.push({ kind: o.kind, at: Date.now() });
    const k = this.kinds.get(o.kind) ?? { expected: 0, unexpected: 0 };
    if (isExpected) k.expected += 1;
    else k.unexpected += 1;
    this.kinds.set(o.kind, k);
  }

  /** Unexpected failure kinds with their counts, for the report. */
  unexpectedKinds(): string {
    return [...this.kinds]
      .filter(([, v]) => v.unexpected > 0)
      .map(([k, v]) => `${k} ×${v.unexpected}`)
      .join(', ');
  }

  expectedKinds(): string {
    return [...this.kinds]
      .filter(([, v]) => v.expected > 0)
      .map(([k, v]) => `${k} ×${v.expected}`)
      .join(', ');
  }
}

/** Runs `task` on `workers` loops until `stop()` says so; each loop gets its worker and step. */
export async function runWorkers(
  workers: number,
  stop: () => boolean,
  task: (worker: number, step: number) => Promise<void>,
  pauseMs = 0,
): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let step = 0; !stop(); step += 1) {
        await task(worker, step);
        if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      }
    }),
  );
}

/** Runs `count` tasks with at most `concurrency` at a time. */
export async function runCount(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Samples `read()` every `everyMs` until stopped; returns the samples. */
export function sampler(read: () => number[], everyMs = 250) {
  const samples: number[][] = [];
  const timer = setInterval(() => samples.push(read()), everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
