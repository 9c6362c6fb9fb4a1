/** One counted dimension of a request, e.g. `proxy:client:<id>`, and its limit per window. */
export interface RateBucket {
  readonly key: string;
  /** Requests per window; 0 means unlimited. */
  readonly limit: number;
}

export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly key: string; readonly retryAfterSeconds: number };

/** The shared counters (PostgreSQL): adds this process's counts, returns the global totals. */
export interface RateCounterStore {
  add(
    windowStart: number,
    expiresAt: number,
    deltas: ReadonlyMap<string, number>,
  ): Promise<ReadonlyMap<string, number>>;
  deleteExpired(now: number): Promise<void>;
}

export interface RateLimiterOptions {
  readonly windowMs: number;
  readonly store: RateCounterStore;
  /** Milliseconds since the epoch; injected for tests. */
  readonly clock?: () => number;
  /** Keys tracked per window; beyond it new keys are let through untracked (bounded memory). */
  readonly maxKeys?: number;
  /** Keys sent to the store per statement. */
  readonly batchSize?: number;
}

export interface RateLimiter {
  /** Counts the request against every bucket, or none when one is exhausted. No I/O. */
  take(buckets: readonly RateBucket[]): RateDecision;
  /** Reconciles local counts with the shared store; concurrent calls share one run. */
  sync(): Promise<void>;
}

interface Entry {
  /** The global count as of the last sync (this process's synced counts included). */
  shared: number;
  /** Counted here since the last sync started. */
  pending: number;
  /** Counted here and being sent right now. */
  sending: number;
}

const ALLOWED: RateDecision = Object.freeze({ allowed: true });

/**
 * Fixed-window counters, local first: `take` never waits for the database. Each process
 * admits while `shared + its own unsynced count` is under the limit, and `sync` (every
 * RATE_LIMIT_SYNC_MS) adds its counts to the shared row and learns the global total. So
 * the limit is global but approximate: between two syncs each process may admit what it
 * sees in one interval beyond it (docs/adr/0001-rate-limits.md).
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const clock = options.clock ?? Date.now;
  const maxKeys = options.maxKeys ?? 200_000;
  const batchSize = options.batchSize ?? 500;
  let window = -1;
  let entries = new Map<string, Entry>();
  let running: Promise<void> | undefined;
  let lastCleanup = 0;

  const windowOf = (now: number) => now - (now % options.windowMs);
  function roll(now: number): void {
    const current = windowOf(now);
    if (current === window) return;
    // A new window starts from zero; counts of the old one no longer matter to anyone.
    window = current;
    entries = new Map();
  }
  const count = (e: Entry | undefined) => (e ? e.shared + e.pending + e.sending : 0);

  function take(buckets: readonly RateBucket[]): RateDecision {
    const now = clock();
    roll(now);
    for (const b of buckets) {
      if (b.limit > 0 && count(entries.get(b.key)) >= b.limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil((window + options.windowMs - now) / 1000));
        return { allowed: false, key: b.key, retryAfterSeconds };
      }
    }
    for (const b of buckets) {
      if (b.limit <= 0) continue;
      let e = entries.get(b.key);
      if (!e) {
        if (entries.size >= maxKeys) continue;
        e = { shared: 0, pending: 0, sending: 0 };
        entries.set(b.key, e);
      }
      e.pending += 1;
    }
    return ALLOWED;
  }

  async function sendBatch(sentWindow: number, batch: Array<[string, Entry]>): Promise<void> {
    const deltas = new Map<string, number>();
    for (const [key, e] of batch) {
      e.sending = e.pending;
      e.pending = 0;
      deltas.set(key, e.sending);
    }
    try {
      const totals = await options.store.add(sentWindow, sentWindow + options.windowMs, deltas);
      if (window !== sentWindow) return;
      for (const [key, e] of batch) {
        e.shared = Math.max(e.shared, totals.get(key) ?? e.shared + e.sending);
        e.sending = 0;
      }
    } catch (err) {
      // Unsent counts stay local and go with the next sync (this window only).
      for (const [, e] of batch) {
        e.pending += e.sending;
        e.sending = 0;
      }
      throw err;
    }
  }

  async function run(): Promise<void> {
    const now = clock();
    roll(now);
    const sentWindow = window;
    const dirty = [...entries].filter(([, e]) => e.pending > 0);
    for (let i = 0; i < dirty.length; i += batchSize) {
      await sendBatch(sentWindow, dirty.slice(i, i + batchSize));
    }
    if (now - lastCleanup >= options.windowMs) {
      lastCleanup = now;
      await options.store.deleteExpired(now);
    }
  }

  return {
    take,
    sync() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
