import { afterEach, describe, expect, it } from '@jest/globals';
import { createUsageRecorder, type UsageRecorder } from './usage-recorder.js';
import type { UsageRecord, UsageSink } from './usage-record.js';

function record(i: number): UsageRecord {
  return {
    id: `r-${i}`,
    time: new Date(1_700_000_000_000 + i),
    clientId: 'client-1',
    operatorId: 'op-a',
    api: 'number-verification',
    version: 'v2',
    operation: 'verify',
    status: 200,
    latencyMs: 1,
    correlator: `c-${i}`,
  };
}

/** A sink that can fail on demand, and can hold a write open. */
class FakeSink implements UsageSink {
  readonly rows: UsageRecord[] = [];
  readonly batches: number[] = [];
  failing = false;
  attempts = 0;
  gate: Promise<void> | undefined;

  async insertBatch(records: readonly UsageRecord[]): Promise<void> {
    this.attempts += 1;
    await this.gate;
    if (this.failing) throw new Error('database down');
    this.batches.push(records.length);
    this.rows.push(...records);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));
let recorder: UsageRecorder | undefined;
afterEach(async () => {
  await recorder?.close().catch(() => undefined);
});

describe('usage recorder', () => {
  it('record() returns at once while a write is held open', async () => {
    const sink = new FakeSink();
    let open!: () => void;
    sink.gate = new Promise((r) => (open = r));
    recorder = createUsageRecorder({ sink, options: { batchSize: 2, flushIntervalMs: 60_000 } });
    recorder.record(record(1));
    recorder.record(record(2));
    const started = performance.now();
    for (let i = 3; i <= 100; i += 1) recorder.record(record(i));
    expect(performance.now() - started).toBeLessThan(50);
    expect(sink.rows).toHaveLength(0);
    open();
    await recorder.flush();
    expect(sink.rows.map((r) => r.correlator)).toEqual(
      Array.from({ length: 100 }, (_, i) => `c-${i + 1}`),
    );
  });

  it('writes in batches once batchSize records wait', async () => {
    const sink = new FakeSink();
    recorder = createUsageRecorder({ sink, options: { batchSize: 10, flushIntervalMs: 60_000 } });
    for (let i = 0; i < 9; i += 1) recorder.record(record(i));
    await tick();
    expect(sink.rows).toHaveLength(0);
    recorder.record(record(9));
    await tick();
    expect(sink.batches).toEqual([10]);
  });

  it('writes after the interval when fewer than batchSize wait', async () => {
    const sink = new FakeSink();
    recorder = createUsageRecorder({ sink, options: { batchSize: 100, flushIntervalMs: 20 } });
    recorder.record(record(1));
    await new Promise((r) => setTimeout(r, 80));
    expect(sink.rows).toHaveLength(1);
    expect(recorder.depth()).toBe(0);
  });

  it('loses nothing on close()', async () => {
    const sink = new FakeSink();
    recorder = createUsageRecorder({ sink, options: { batchSize: 7, flushIntervalMs: 60_000 } });
    for (let i = 0; i < 1_000; i += 1) recorder.record(record(i));
    await recorder.close();
    expect(sink.rows).toHaveLength(1_000);
    expect(new Set(sink.rows.map((r) => r.correlator)).size).toBe(1_000);
    recorder.record(record(1_001));
    expect(recorder.depth()).toBe(0);
  });

  it('keeps records when the database fails and writes them once it is back', async () => {
    const sink = new FakeSink();
    sink.failing = true;
    recorder = createUsageRecorder({ sink, options: { batchSize: 5, flushIntervalMs: 60_000 } });
    for (let i = 0; i < 12; i += 1) recorder.record(record(i));
    await expect(recorder.flush()).rejects.toThrow('database down');
    expect(recorder.depth()).toBe(12);
    sink.failing = false;
    await recorder.flush();
    expect(sink.rows.map((r) => r.correlator)).toEqual(
      Array.from({ length: 12 }, (_, i) => `c-${i}`),
    );
  });

  it('bounds memory while the database is down: drops the oldest and counts them', async () => {
    const sink = new FakeSink();
    sink.failing = true;
    const depths: number[] = [];
    let dropped = 0;
    recorder = createUsageRecorder({
      sink,
      options: { batchSize: 10, maxBuffer: 50, flushIntervalMs: 60_000 },
      onDepth: (d) => depths.push(d),
      onDropped: (n) => (dropped += n),
    });
    for (let i = 0; i < 500; i += 1) recorder.record(record(i));
    await tick();
    expect(recorder.depth()).toBe(50);
    expect(Math.max(...depths)).toBe(50);
    expect(dropped).toBe(450);
    expect(recorder.dropped()).toBe(450);
    sink.failing = false;
    await recorder.flush();
    expect(sink.rows.map((r) => r.correlator)).toEqual(
      Array.from({ length: 50 }, (_, i) => `c-${450 + i}`),
    );
  });

  it('close() retries, then rejects if the database stays down', async () => {
    const sink = new FakeSink();
    sink.failing = true;
    recorder = createUsageRecorder({
      sink,
      options: { batchSize: 10, flushIntervalMs: 60_000, closeAttempts: 3, closeRetryDelayMs: 1 },
    });
    recorder.record(record(1));
    await expect(recorder.close()).rejects.toThrow('database down');
    expect(sink.attempts).toBe(3);
    expect(recorder.depth()).toBe(1);
  });

  it('close() succeeds when the database comes back during its retries', async () => {
    const sink = new FakeSink();
    sink.failing = true;
    recorder = createUsageRecorder({
      sink,
      options: { batchSize: 10, flushIntervalMs: 60_000, closeAttempts: 5, closeRetryDelayMs: 20 },
    });
    recorder.record(record(1));
    setTimeout(() => (sink.failing = false), 30);
    await recorder.close();
    expect(sink.rows).toHaveLength(1);
  });
});
