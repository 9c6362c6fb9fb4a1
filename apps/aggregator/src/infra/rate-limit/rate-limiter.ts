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
  /**
   * Keys tracked per window (bounded memory). A new key beyond it evicts the least recently
   * used synced key, or is refused while every key has unsynced counts.
   */
  readonly maxKeys?: number;
  /** Keys sent to the store per statement. */
  readonly batchSize?: number;
}

export interface RateLimiter {
  /** Counts the request against every bucket, or none when one is exhausted. No I/O. */
  take(buckets: readonly RateBucket[]): RateDecision;
  /** Refuses when a bucket this process tracks is exhausted; counts and creates nothing. */
  peek(buckets: readonly RateBucket[]): RateDecision;
  /**
   * Counts a request that was already answered, whatever the limits. For authenticated
   * clients only: it may exceed `maxKeys` rather than lose the count, which stays bounded
   * because their number is bounded by registration.
   */
  record(buckets: readonly RateBucket[]): void;
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
  /** Synced, and not counted since: evicting it loses nothing, the store has its total. */
  clean: boolean;
}

const ALLOWED: RateDecision = Object.freeze({ allowed: true });
/** A full table frees entries at the next sync (RATE_LIMIT_SYNC_MS ≤ 60 s, 500 ms by default). */
const FULL_RETRY_SECONDS = 1;

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
  // Synced entries, least recently used first (ADR 0001, "A full table"): the eviction order.
  let clean = new Map<string, Entry>();
  let running: Promise<void> | undefined;
  let lastCleanup = 0;

  const windowOf = (now: number) => now - (now % options.windowMs);
  function roll(now: number): void {
    const current = windowOf(now);
    if (current === window) return;
    // A new window starts from zero; counts of the old one no longer matter to anyone.
    window = current;
    entries = new Map();
    clean = new Map();
  }
  const count = (e: Entry) => e.shared + e.pending + e.sending;
  const refusal = (key: string, now: number): RateDecision & { allowed: false } => ({
    allowed: false,
    key,
    retryAfterSeconds: Math.max(1, Math.ceil((window + options.windowMs - now) / 1000)),
  });

  // Buckets without an entry, as found by the last `firstExhausted` (no allocation per call).
  let missing = 0;
  let firstMissing = '';

  /** The refusal of the first exhausted bucket, if any; also counts the missing entries. */
  function firstExhausted(buckets: readonly RateBucket[], now: number, touch: boolean) {
    missing = 0;
    for (const b of buckets) {
      if (b.limit <= 0) continue;
      const e = entries.get(b.key);
      if (!e) {
        if (missing++ === 0) firstMissing = b.key;
      } else if (count(e) >= b.limit) {
        // A key refused over and over is in use: it must not be the next one evicted.
        if (touch && e.clean) {
          clean.delete(b.key);
          clean.set(b.key, e);
        }
        return refusal(b.key, now);
      }
    }
    return undefined;
  }

  /** Evicts synced entries, least recently used first, until `n` new ones fit. */
  function makeRoom(n: number): boolean {
    while (entries.size + n > maxKeys) {
      const oldest = clean.keys().next();
      if (oldest.done) return false;
      clean.delete(oldest.value);
      entries.delete(oldest.value);
    }
    return true;
  }

  function add(buckets: readonly RateBucket[]): void {
    for (const b of buckets) {
      if (b.limit <= 0) continue;
      let e = entries.get(b.key);
      if (!e) {
        e = { shared: 0, pending: 0, sending: 0, clean: false };
        entries.set(b.key, e);
      } else if (e.clean) {
        e.clean = false;
        clean.delete(b.key);
      }
      e.pending += 1;
    }
  }

  function take(buckets: readonly RateBucket[]): RateDecision {
    const now = clock();
    roll(now);
    const refused = firstExhausted(buckets, now, true);
    if (refused) return refused;
    // Never admit untracked: a key that cannot be counted is refused until a sync frees room.
    if (missing > 0 && !makeRoom(missing))
      return { allowed: false, key: firstMissing, retryAfterSeconds: FULL_RETRY_SECONDS };
    add(buckets);
    return ALLOWED;
  }

  function peek(buckets: readonly RateBucket[]): RateDecision {
    const now = clock();
    roll(now);
    return firstExhausted(buckets, now, false) ?? ALLOWED;
  }

  function record(buckets: readonly RateBucket[]): void {
    roll(clock());
    makeRoom(buckets.filter((b) => b.limit > 0 && !entries.has(b.key)).length);
    add(buckets);
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
        if (e.pending === 0 && entries.get(key) === e) {
          e.clean = true;
          clean.set(key, e);
        }
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
    peek,
    record,
    sync() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
