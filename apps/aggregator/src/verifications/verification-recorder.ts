import { createBatchWriter } from '../usage/batch-writer.js';
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
  const writer = createBatchWriter<VerificationStep>({
    write: (batch) => deps.sink.insertSteps(batch),
    maxBuffer: o.maxBuffer,
    batchSize: o.batchSize,
    flushIntervalMs: o.flushIntervalMs,
    ...(deps.onWriteError ? { onWriteError: deps.onWriteError } : {}),
  });
  return {
    record: (step) => writer.record(step),
    flush: writer.flush,
    async close() {
      writer.stop();
      await writer.flush();
    },
    dropped: () => writer.queue.dropped,
  };
}
