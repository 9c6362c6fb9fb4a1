import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { createUsageRecorder } from './usage-recorder.js';
import { USAGE_TABLE, createUsageStore, type UsageStore } from './usage-store.js';
import type { UsageRecord } from './usage-record.js';

let tdb: TestDatabase;
let store: UsageStore;

beforeAll(async () => {
  tdb = await createTestDatabase();
  store = createUsageStore(tdb.db.knex);
}, 60_000);
afterAll(() => tdb.destroy());
beforeEach(() => tdb.db.knex(USAGE_TABLE).delete());

function event(time: string, over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: randomUUID(),
    time: new Date(time),
    clientId: 'client-1',
    operatorId: 'op-a',
    api: 'number-verification',
    version: 'v2',
    operation: 'verify',
    status: 200,
    latencyMs: 10,
    correlator: 'c',
    ...over,
  };
}

describe('usage store', () => {
  it('inserts a batch and reports per day × client × operator × api', async () => {
    await store.insertBatch([
      event('2026-11-01T00:00:00Z', { latencyMs: 10 }),
      event('2026-11-01T12:00:00Z', { latencyMs: 20, status: 400 }),
      event('2026-11-01T23:59:59Z', { latencyMs: 90, status: 503 }),
      event('2026-11-02T00:00:00Z', { latencyMs: 5 }),
      event('2026-11-01T10:00:00Z', { clientId: 'client-2', operatorId: 'op-b', api: 'sim-swap' }),
    ]);
    const rows = await store.usageReport({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-03T00:00:00Z'),
    });
    expect(rows).toEqual([
      {
        day: '2026-11-01',
        clientId: 'client-1',
        operatorId: 'op-a',
        api: 'number-verification',
        calls: 3,
        errors: 2,
        clientErrors: 1,
        serverErrors: 1,
        errorRate: 2 / 3,
        p50LatencyMs: 20,
        avgLatencyMs: 40,
      },
      expect.objectContaining({
        day: '2026-11-01',
        clientId: 'client-2',
        api: 'sim-swap',
        calls: 1,
        errors: 0,
      }),
      expect.objectContaining({
        day: '2026-11-02',
        clientId: 'client-1',
        calls: 1,
        p50LatencyMs: 5,
      }),
    ]);
  });

  it('filters by time range (from inclusive, to exclusive), client and operator', async () => {
    await store.insertBatch([
      event('2026-11-01T00:00:00Z'),
      event('2026-11-02T00:00:00Z'),
      event('2026-11-01T05:00:00Z', { clientId: 'client-2', operatorId: 'op-b' }),
    ]);
    const range = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') };
    expect((await store.usageReport(range)).map((r) => [r.clientId, r.calls])).toEqual([
      ['client-1', 1],
      ['client-2', 1],
    ]);
    expect(
      (await store.usageReport({ ...range, clientId: 'client-2' })).map((r) => r.operatorId),
    ).toEqual(['op-b']);
    expect(await store.usageReport({ ...range, clientId: 'client-2', operatorId: 'op-a' })).toEqual(
      [],
    );
  });

  it('writes a batch retried after a lost acknowledgement once (record ids)', async () => {
    const batch = [event('2026-11-07T10:00:00Z'), event('2026-11-07T11:00:00Z')];
    await store.insertBatch(batch);
    await store.insertBatch([...batch, event('2026-11-07T12:00:00Z')]);
    const [row] = await store.usageReport({
      from: new Date('2026-11-07T00:00:00Z'),
      to: new Date('2026-11-08T00:00:00Z'),
    });
    expect(row).toMatchObject({ calls: 3 });
  });

  it('through the recorder: totals equal the records made, nothing lost on close()', async () => {
    const recorder = createUsageRecorder({
      sink: store,
      options: { batchSize: 64, flushIntervalMs: 10 },
    });
    for (let i = 0; i < 1_000; i += 1) {
      recorder.record(
        event('2026-11-05T10:00:00Z', { status: i % 10 === 0 ? 502 : 200, correlator: `c-${i}` }),
      );
    }
    await recorder.close();
    const [row] = await store.usageReport({
      from: new Date('2026-11-05T00:00:00Z'),
      to: new Date('2026-11-06T00:00:00Z'),
    });
    expect(row).toMatchObject({ calls: 1_000, errors: 100, serverErrors: 100, errorRate: 0.1 });
  });
});
