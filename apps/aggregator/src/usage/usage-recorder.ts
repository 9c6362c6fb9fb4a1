import { createBatchWriter } from './batch-writer.js';
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
  const writer = createBatchWriter<UsageRecord>({
    write: (batch) => deps.sink.insertBatch(batch),
    maxBuffer: o.maxBuffer,
    batchSize: o.batchSize,
    flushIntervalMs: o.flushIntervalMs,
    ...(deps.onWriteError ? { onWriteError: deps.onWriteError } : {}),
    ...(deps.onDropped ? { onDropped: deps.onDropped } : {}),
    ...(deps.onDepth ? { onDepth: deps.onDepth } : {}),
  });
  return {
    record: (record) => writer.record(record),
    flush: writer.flush,
    async close() {
      writer.stop();
      await closeWithRetries(writer.flush, o.closeAttempts, o.closeRetryDelayMs);
    },
    depth: () => writer.queue.size,
    dropped: () => writer.queue.dropped,
  };
}
