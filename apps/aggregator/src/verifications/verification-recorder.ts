import { BoundedQueue } from '../usage/bounded-queue.js';
import type { VerificationStep, VerificationStepSink } from './verification-step.js';

export interface VerificationRecorderOptions {
  /** Steps kept in memory at most; beyond it the oldest are dropped (and counted). */
  readonly maxBuffer: number;
  /** A write starts as soon as this many steps wait… */
  readonly batchSize: number;
  /** …or after this long, whichever comes first. */
  readonly flushIntervalMs: number;
}

export const DEFAULT_VERIFICATION_RECORDER_OPTIONS: VerificationRecorderOptions = Object.freeze({
  maxBuffer: 20_000,
  batchSize: 200,
  flushIntervalMs: 1_000,
});

export interface VerificationRecorder {
  /** Synchronous: the request never waits for the database. */
  record(step: VerificationStep): void;
  /** Writes everything buffered now; rejects (keeping the steps) when the database fails. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left; then record() is a no-op. */
  close(): Promise<void>;
  dropped(): number;
}

/** Buffers verification steps and writes them in batches, off the request path. */
export function createVerificationRecorder(deps: {
  readonly sink: VerificationStepSink;
  readonly options?: Partial<VerificationRecorderOptions>;
  readonly onWriteError?: (err: unknown) => void;
}): VerificationRecorder {
  const o = { ...DEFAULT_VERIFICATION_RECORDER_OPTIONS, ...deps.options };
  const queue = new BoundedQueue<VerificationStep>(o.maxBuffer);
  let writing: Promise<void> | undefined;
  let closed = false;

  const writeBatch = async (): Promise<void> => {
    const batch = queue.take(o.batchSize);
    try {
      await deps.sink.insertSteps(batch);
    } catch (err) {
      queue.putBack(batch);
      throw err;
    }
  };
  const drain = async (): Promise<void> => {
    while (queue.size > 0) await writeBatch();
  };
  /** One write in flight at a time, in the order steps were recorded. */
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
    record(step) {
      if (closed) return;
      queue.push(step);
      if (queue.size >= o.batchSize && !writing) background();
    },
    flush,
    async close() {
      closed = true;
      clearInterval(timer);
      await flush();
    },
    dropped: () => queue.dropped,
  };
}
