import { BoundedQueue } from './bounded-queue.js';

/**
 * Records buffered in a bounded queue and written in batches, off the request path: a write
 * starts when `batchSize` records wait or every `flushIntervalMs`; one batch is in flight at a
 * time, in buffer order; a failed batch goes back in front. Shared by the usage recorder and
 * the verification step recorder.
 */
export interface BatchWriter<T> {
  /** Synchronous: the request never waits for the database. No-op once stopped. */
  record(item: T): void;
  /** Writes everything buffered now; rejects (keeping the records) when the write fails. */
  flush(): Promise<void>;
  /** Stops the timer and further records; the caller then flushes what is left. */
  stop(): void;
  readonly queue: BoundedQueue<T>;
}

export function createBatchWriter<T>(deps: {
  readonly write: (batch: T[]) => Promise<void>;
  readonly maxBuffer: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly onWriteError?: (err: unknown) => void;
  readonly onDropped?: (count: number) => void;
  /** Called with the queue's depth after each record and each batch. */
  readonly onDepth?: (depth: number) => void;
}): BatchWriter<T> {
  const queue = new BoundedQueue<T>(deps.maxBuffer, deps.onDropped);
  let writing: Promise<void> | undefined;
  let stopped = false;
  const report = (): void => deps.onDepth?.(queue.size);

  const writeBatch = async (): Promise<void> => {
    const batch = queue.take(deps.batchSize);
    try {
      await deps.write(batch);
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
  }, deps.flushIntervalMs);
  timer.unref();

  return {
    record(item) {
      if (stopped) return;
      queue.push(item);
      report();
      if (queue.size >= deps.batchSize && !writing) background();
    },
    flush,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    queue,
  };
}
