import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestDatabase,
  pgliteTemplateImage,
  type TestDatabase,
} from '../test-support/test-database.js';
import { createDatabase } from './database.js';
import { migrationStatus, rollbackLast, migrateLatest } from './migrator.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

describe(`database (${process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('starts fully migrated', async () => {
    const status = await migrationStatus(t.db.knex);
    expect(status.pending).toEqual([]);
    expect(status.applied).toContain('20261125_0001_telco_finder');
  });

  it('serves the cidr containment query through the GiST index', async () => {
    await t.db.knex('operators').insert({
      id: 'op-a',
      name: 'A',
      country: 'ES',
      issuer_url: 'https://a',
      api_root: 'https://a/api',
      client_id: 'c',
      client_auth_method: 'client_secret_basic',
      client_credentials_enc: 'x',
    });
    await t.db.knex('ip_ranges').insert([
      { operator_id: 'op-a', range: '10.0.0.0/8' },
      { operator_id: 'op-a', range: '10.1.0.0/16' },
    ]);
    const { rows } = await t.db.knex.raw(
      `SELECT range::text AS range FROM ip_ranges WHERE range >>= ?::inet ORDER BY masklen(range) DESC`,
      ['10.1.2.3'],
    );
    expect(rows.map((r: { range: string }) => r.range)).toEqual(['10.1.0.0/16', '10.0.0.0/8']);
  });

  it('rejects a cidr with host bits at the database level too', async () => {
    await expect(
      t.db.knex('ip_ranges').insert({ operator_id: 'op-a', range: '10.0.0.1/8' }),
    ).rejects.toThrow();
  });

  it('delivers NOTIFY to listeners', async () => {
    let delivered = (_payload: string) => {};
    const got = new Promise<string>((resolve) => (delivered = resolve));
    const off = await t.db.listen('sb_test_channel', (p) => delivered(p));
    await t.db.knex.raw(`SELECT pg_notify('sb_test_channel', 'hello')`);
    // However long delivery takes on a busy machine: no deadline but the test's own.
    expect(await got).toBe('hello');
    await off();
  });

  it('rolls back and re-applies the schema', async () => {
    await t.db.knex('ip_ranges').del();
    await t.db.knex('operators').del();
    // The template applies every migration in one batch: rollback undoes them all.
    const rolledBack = await rollbackLast(t.db.knex);
    expect(rolledBack).toContain('20261125_0001_telco_finder');
    expect(await t.db.knex.schema.hasTable('operators')).toBe(false);
    expect((await migrateLatest(t.db.knex)).sort()).toEqual([...rolledBack].sort());
  });
});

describe('embedded PGlite on disk', () => {
  it('refuses a second owner of the same data directory while the first is open', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { createDatabase } = await import('./database.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-lock-'));
    // From the migrated template when there is one: initdb on disk is seconds of CPU.
    const image = pgliteTemplateImage();
    const first = await createDatabase(`pglite:${dir}/db`, image ? { pgliteImage: image } : {});
    try {
      await expect(createDatabase(`pglite:${dir}/db`)).rejects.toThrow(/in use by process/);
    } finally {
      await first.close();
    }
    const again = await createDatabase(`pglite:${dir}/db`);
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('database client messages', () => {
  it("hands knex's own warnings to the given log instead of printing them", async () => {
    const warnings: string[] = [];
    const ignore = () => undefined;
    // Nothing listens on port 1: every connection attempt is refused at once.
    const db = await createDatabase('postgres://postgres@127.0.0.1:1/none', {
      log: { warn: (m) => warnings.push(m), error: ignore, deprecate: ignore, debug: ignore },
    });
    try {
      await expect(db.knex.raw('select 1')).rejects.toThrow(/ECONNREFUSED/);
      expect(warnings.some((w) => w.startsWith('Acquire connection error'))).toBe(true);
    } finally {
      await db.close();
    }
  });
});
