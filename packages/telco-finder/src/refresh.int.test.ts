import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Database } from '@switchboard/db';
import { ADMIN, createNode, eventually, operatorInput } from '../test-support/fixtures.js';

let t: TestDatabase;
let second: Database;
let a: ReturnType<typeof createNode>;
let b: ReturnType<typeof createNode>;

// On PostgreSQL the second "process" has its own pool and its own LISTEN connection, exactly
// like a second aggregator process; PGlite is single-process, so there both share one instance.
beforeAll(async () => {
  t = await createTestDatabase();
  second = t.engine === 'postgres' ? await t.connectAgain() : t.db;
  a = createNode(t.db);
  b = createNode(second);
  await a.index.start();
  await b.index.start();
});
afterAll(async () => {
  await a.index.stop();
  await b.index.stop();
  await t.destroy();
});

describe(`index refresh across processes (${process.env.TEST_DATABASE_URL ? 'PostgreSQL LISTEN/NOTIFY' : 'PGlite in-process NOTIFY'})`, () => {
  it('rebuilds the other process index after a change made in this one', async () => {
    await a.operators.create(operatorInput('op-x'), ADMIN);
    await a.routes.addRanges('op-x', ['172.16.0.0/12'], {}, ADMIN);
    expect(a.index.lookupIp('172.16.5.5')?.operator.id).toBe('op-x');
    await eventually(() => b.index.lookupIp('172.16.5.5')?.operator.id === 'op-x');

    await b.operators.setStatus('op-x', 'disabled', ADMIN);
    await eventually(() => a.index.lookupIp('172.16.5.5') === undefined);
  });

  it('does not announce a change that rolled back', async () => {
    const before = b.index.stats().generation;
    await expect(a.routes.addRanges('op-x', ['172.16.0.1/12'], {}, ADMIN)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(b.index.stats().generation).toBe(before);
  });

  it('keeps answering from the old index while a rebuild runs', async () => {
    await b.operators.setStatus('op-x', 'active', ADMIN);
    await eventually(() => a.index.lookupIp('172.16.5.5') !== undefined);
    const rebuild = a.index.refresh();
    expect(a.index.lookupIp('172.16.5.5')?.operator.id).toBe('op-x');
    await rebuild;
  });
});
