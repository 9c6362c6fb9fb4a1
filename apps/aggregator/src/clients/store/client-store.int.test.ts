import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import * as allowedScopesMigration from '../../../../../migrations/20261203_0008_client_allowed_scopes.js';
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
