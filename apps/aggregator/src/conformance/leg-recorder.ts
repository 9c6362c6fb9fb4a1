import type { Knex } from 'knex';

/** `authorize`: device sent to the operator → callback; `token`: the code exchange; `circuit`: an opening. */
export type Leg = 'authorize' | 'token' | 'circuit';
export type LegOutcome = 'ok' | 'error' | 'timeout' | 'open';

export interface LegEvent {
  readonly operatorId: string;
  readonly leg: Leg;
  readonly outcome: LegOutcome;
  readonly latencyMs: number | null;
}

export interface LegRecorder {
  /** Synchronous: the request path never waits for the database. */
  record(event: LegEvent): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface LegRecorderOptions {
  readonly flushIntervalMs: number;
  readonly batchSize: number;
  /** Beyond this many waiting events the newest are dropped (a database outage). */
  readonly maxBuffer: number;
  readonly onWriteError?: (err: unknown) => void;
}

const DEFAULTS = { flushIntervalMs: 1_000, batchSize: 500, maxBuffer: 50_000 };

/** Writes operator leg events in batches, like the usage recorder writes usage records. */
export function createLegRecorder(
  knex: Knex,
  options: Partial<LegRecorderOptions> = {},
): LegRecorder {
  const o = { ...DEFAULTS, ...options };
  let buffer: Array<LegEvent & { at: Date }> = [];
  let writing: Promise<void> = Promise.resolve();
  const write = async () => {
    while (buffer.length) {
      const batch = buffer.slice(0, o.batchSize);
      await knex('operator_leg_events').insert(
        batch.map((e) => ({
          occurred_at: e.at,
          operator_id: e.operatorId,
          leg: e.leg,
          outcome: e.outcome,
          latency_ms: e.latencyMs,
        })),
      );
      buffer = buffer.slice(batch.length);
    }
  };
  const flush = () => {
    writing = writing.then(write, write);
    return writing;
  };
  const timer = setInterval(() => {
    if (buffer.length) flush().catch((err: unknown) => o.onWriteError?.(err));
  }, o.flushIntervalMs);
  timer.unref();
  let closed = false;
  return {
    record(event) {
      if (closed || buffer.length >= o.maxBuffer) return;
      buffer.push({ ...event, at: new Date() });
      if (buffer.length >= o.batchSize) flush().catch((err: unknown) => o.onWriteError?.(err));
    },
    flush,
    async close() {
      closed = true;
      clearInterval(timer);
      await flush();
    },
  };
}
