import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { masterKeyId } from '@switchboard/tokens';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Aggregator } from '../src/app.js';
import { hashToken } from '../src/admin/admin-tokens.js';
import { insertAdminToken } from '../src/admin/store/admin-token-store.js';
import { SEALED_COLUMNS } from '../src/keys/master-key-rotation.js';
import { startTestAggregator } from '../test-support/core-fixture.js';

// docs/operations.md "Rotating the master key", from a deployment that started on the built-in
// development key (SWITCHBOARD_MASTER_KEY unset), following only what the document says.
const NEW = 'new-master-key-replacing-the-development-key';
const ADMIN_TOKEN = 'dev-rotation-test-admin-token-0123456789';
let t: TestDatabase;
const running: Aggregator[] = [];

async function start(env: Record<string, string>): Promise<Aggregator> {
  const agg = await startTestAggregator(t.db, undefined, env);
  running.push(agg);
  return agg;
}

async function stopAll() {
  for (const agg of running.splice(0)) await agg.stop();
}

async function sealedUnder(): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const spec of SEALED_COLUMNS) {
    const rows = (await t.db
      .knex(spec.table)
      .whereNotNull(spec.column)
      .pluck(spec.column)) as string[];
    for (const sealed of rows) ids.add(sealed.split('.')[1]!);
  }
  return ids;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await start({});
  await insertAdminToken(t.db.knex, 'rotation test', hashToken(ADMIN_TOKEN));
  await stopAll();
}, 60_000);

afterAll(async () => {
  await stopAll().catch(() => undefined);
  await t.destroy();
});

describe('rotating the master key away from the built-in development key', () => {
  it('a new key alone is refused with a message naming the development key and the way out', async () => {
    const before = await sealedUnder();
    expect(before.size).toBe(1);
    await expect(start({ SWITCHBOARD_MASTER_KEY: NEW })).rejects.toThrow(
      `sealed with an unknown master key (${[...before][0]}): it is the built-in development key; to rotate away from it, start with SWITCHBOARD_PREVIOUS_MASTER_KEYS=development and run \`switchboard keys rotate-master\``,
    );
  });

  it('SWITCHBOARD_PREVIOUS_MASTER_KEYS=development reads it; rotate-master moves everything; then the new key runs alone', async () => {
    const agg = await start({
      SWITCHBOARD_MASTER_KEY: NEW,
      SWITCHBOARD_PREVIOUS_MASTER_KEYS: 'development',
    });
    const res = await fetch(`${agg.adminUrl}/admin/v1/keys/rotate-master`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { columns: Array<{ failed: string[] }> };
    expect(report.columns.flatMap((c) => c.failed)).toEqual([]);
    expect(await sealedUnder()).toEqual(new Set([masterKeyId(NEW)]));
    await stopAll();
    const alone = await start({ SWITCHBOARD_MASTER_KEY: NEW });
    expect((await fetch(`${alone.publicUrl}/ready`)).status).toBe(200);
  });
});
