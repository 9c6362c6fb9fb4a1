import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { createDatabase } from '../src/database.js';
import { migrateLatest } from '../src/migrator.js';
import { PGLITE_IMAGE_ENV, TEMPLATE_DB_ENV, testServerUrl, withDatabase } from './test-database.js';

// Build one migrated template per test run; each test file copies it (a PGlite cold
// start is 3–5 s, so migrating per file would dominate the run).
export async function buildTemplate(): Promise<void> {
  const server = testServerUrl();
  if (server) {
    const name = `sb_template_${randomBytes(4).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
    try {
      await admin.raw(`CREATE DATABASE ${name}`);
    } finally {
      await admin.destroy();
    }
    const db = await createDatabase(withDatabase(server, name), { poolMax: 1 });
    await migrateLatest(db.knex);
    await db.close();
    process.env[TEMPLATE_DB_ENV] = name;
    process.stdout.write(`\n[test database] PostgreSQL server, template ${name}\n`);
    return;
  }
  const db = await createDatabase('pglite:memory');
  await migrateLatest(db.knex);
  const image = await db.exportImage!();
  await db.close();
  const file = path.join(os.tmpdir(), `switchboard-test-${process.pid}.tar`);
  fs.writeFileSync(file, Buffer.from(await image.arrayBuffer()));
  process.env[PGLITE_IMAGE_ENV] = file;
  process.stdout.write(
    '\n[test database] embedded PGlite (set TEST_DATABASE_URL for PostgreSQL)\n',
  );
}
