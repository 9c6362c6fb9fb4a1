import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import * as allowedScopesMigration from '../../../../../migrations/20261203_0008_client_allowed_scopes.js';
import * as operatorTokenMigration from '../../../../../migrations/20261205_0014_operator_token_settings.js';
import { getClientRow } from './client-store.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const row = (id: string, redirectUris: string[]) => ({
  id,
  name: id,
  auth_method: 'client_secret_basic',
  redirect_uris: JSON.stringify(redirectUris),
  secret_enc: 'sb1.sealed',
});

describe('migration 20261203_0008_client_allowed_scopes', () => {
  it('lets clients registered before it keep what they could do; a row written without the column gets the verify scopes', async () => {
    const { knex } = t.db;
    await allowedScopesMigration.down(knex);
    await knex('clients').insert([
      row('app-before-0008', ['https://a.example/cb']),
      row('machine-before-0008', []),
    ]);
    await allowedScopesMigration.up(knex);
    expect((await getClientRow(knex, 'app-before-0008'))?.allowed_scopes).toEqual([
      'number-verification:verify',
      'number-verification:device-phone-number:read',
      'number-verification-verify-read',
      'number-verification-share-read',
    ]);
    expect((await getClientRow(knex, 'machine-before-0008'))?.allowed_scopes).toEqual([]);
    // An older process still running during a rolling upgrade writes no allowed_scopes.
    await knex('clients').insert(row('app-by-an-older-process', ['https://b.example/cb']));
    expect((await getClientRow(knex, 'app-by-an-older-process'))?.allowed_scopes).toEqual([
      'number-verification:verify',
      'number-verification-verify-read',
    ]);
    await expect(
      knex('clients').insert({ ...row('not-an-array', []), allowed_scopes: '{}' }),
    ).rejects.toThrow();
  });
});

describe('migration 20261205_0014_operator_token_settings', () => {
  it('gives operators and clients registered before it no carrier ids, no operator tokens and no audiences', async () => {
    const { knex } = t.db;
    await operatorTokenMigration.down(knex);
    expect(await knex.schema.hasColumn('clients', 'allowed_origins')).toBe(false);
    await knex('operators').insert({
      id: 'op-before-0014',
      name: 'Op',
      country: 'ES',
      issuer_url: 'https://op.example',
      api_root: 'https://op.example/api',
      client_id: 'switchboard',
      client_auth_method: 'client_secret_basic',
      client_credentials_enc: 'sb1.sealed',
    });
    await knex('clients').insert(row('backend-before-0014', []));
    await operatorTokenMigration.up(knex);
    expect(await knex('operators').where({ id: 'op-before-0014' }).first()).toMatchObject({
      carrier_ids: [],
      operator_token: false,
    });
    expect(await getClientRow(knex, 'backend-before-0014')).toMatchObject({
      allowed_origins: [],
      apk_key_hashes: [],
    });
    // The columns are SQL arrays: a JavaScript array is written and read back as one.
    await knex('clients')
      .where({ id: 'backend-before-0014' })
      .update({ allowed_origins: ['https://a.example', 'http://localhost:5173'] });
    expect((await getClientRow(knex, 'backend-before-0014'))?.allowed_origins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    await expect(
      knex('operators').where({ id: 'op-before-0014' }).update({ carrier_ids: null }),
    ).rejects.toThrow();
  });
});
