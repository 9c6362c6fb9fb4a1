import fs from 'node:fs';
import knexFactory from 'knex';
import { PGLITE_IMAGE_ENV, TEMPLATE_DB_ENV, testServerUrl } from './test-database.js';

export async function dropTemplate(): Promise<void> {
  const server = testServerUrl();
  const template = process.env[TEMPLATE_DB_ENV];
  if (server && template) {
    const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
    try {
      await admin.raw(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    } finally {
      await admin.destroy();
    }
  }
  const image = process.env[PGLITE_IMAGE_ENV];
  if (image) fs.rmSync(image, { force: true });
}
