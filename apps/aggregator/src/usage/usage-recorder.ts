import { BoundedQueue } from './bounded-queue.js';
import type { UsageRecord, UsageSink } from './usage-record.js';

export interface UsageRecorderOptions {
  /** Records kept in memory at most; beyond it the oldest are dropped (and counted). */
  readonly maxBuffer: number;
  /** A write starts as soon as this many records wait. */
  readonly batchSize: number;
  /** …or after this long, whichever comes first. */
  readonly flushIntervalMs: number;
  /** Attempts per batch in close() before giving up on the database. */
  readonly closeAttempts: number;
  readonly closeRetryDelayMs: number;
}

export const DEFAULT_USAGE_RECORDER_OPTIONS: UsageRecorderOptions = Object.freeze({
  maxBuffer: 100_000,
  batchSize: 500,
  flushIntervalMs: 1_000,
  closeAttempts: 5,
  closeRetryDelayMs: 200,
});

export interface UsageRecorderDeps {
  readonly sink: UsageSink;
  readonly options?: Partial<UsageRecorderOptions>;
  readonly onDepth?: (depth: number) => void;
  readonly onDropped?: (count: number) => void;
  readonly onWriteError?: (err: unknown) => void;
}

export interface UsageRecorder {
  /** Synchronous and allocation-light: the hot path never waits for the database. */
  record(record: UsageRecord): void;
  /** Writes everything buffered now; rejects (keeping the records) if the database fails. */
  flush(): Promise<void>;
  /** Stops the timer and writes everything, retrying a few times; then record() is a no-op. */
  close(): Promise<void>;
  depth(): number;
  dropped(): number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function closeWithRetries(
  flush: () => Promise<void>,
  attempts: number,
  delayMs: number,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await flush();
      return;
    } catch (err) {
      if (attempt >= attempts) throw err;
      await sleep(delayMs);
    }
  }
}

/** Buffers usage records and writes them in batches, off the request path. */
export function createUsageRecorder(deps: UsageRecorderDeps): UsageRecorder {
  const o = { ...DEFAULT_USAGE_RECORDER_OPTIONS, ...deps.options };
  const queue = new BoundedQueue<UsageRecord>(o.maxBuffer, deps.onDropped);
  let writing: Promise<void> | undefined;
  let closed = false;
  const report = (): void => deps.onDepth?.(queue.size);

  /** One batch from the head; on failure it goes back in front (then trimmed). */
  const writeBatch = async (): Promise<void> => {
    const batch = queue.take(o.batchSize);
    try {
      await deps.sink.insertBatch(batch);
    } catch (err) {
      queue.putBack(batch);
      throw err;
    } finally {
      report();
    }
  };
  const drain = async (): Promise<void> => {
    while (queue.size > 0) await writeBatch();
  };
  /** Serialises writes: one batch in flight at a time, in buffer order. */
  const flush = (): Promise<void> => {
    const run = (writing ?? Promise.resolve()).catch(() => undefined).then(drain);
    const tracked = run.finally(() => {
      if (writing === tracked) writing = undefined;
    });
    writing = tracked;
    return tracked;
  };
  const background = (): void => {
    flush().catch((err: unknown) => deps.onWriteError?.(err));
  };
  const timer = setInterval(() => {
    if (queue.size > 0 && !writing) background();
  }, o.flushIntervalMs);
  timer.unref();

  return {
    record(record) {
      if (closed) return;
      queue.push(record);
      report();
      if (queue.size >= o.batchSize && !writing) background();
    },
    flush,
    async close() {
      closed = true;
      clearInterval(timer);
      await closeWithRetries(flush, o.closeAttempts, o.closeRetryDelayMs);
    },
    depth: () => queue.size,
    dropped: () => queue.dropped,
  };
}
