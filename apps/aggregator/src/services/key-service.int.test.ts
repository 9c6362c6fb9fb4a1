import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Knex } from 'knex';
import { createSecretBox } from '@switchboard/tokens';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../../packages/db/test-support/test-database.js';
import { createKeyService } from './key-service.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

/** The test database's knex, except that every query fails with `failure` while it is set. */
function switchable(knex: Knex) {
  const state = { failure: undefined as Error | undefined };
  const proxy = new Proxy(knex, {
    apply(target, thisArg, args) {
      if (state.failure) throw state.failure;
      return Reflect.apply(target, thisArg, args);
    },
  });
  return { knex: proxy, state };
}

/** A key service on the switchable database, with a clock the test moves. */
function keyServiceOnSwitchableDatabase() {
  const clock = { now: 0 };
  const db = switchable(t.db.knex);
  const keys = createKeyService({
    knex: db.knex,
    secretBox: createSecretBox(['master-key-for-tests-0123456789abcdef']),
    clock: () => clock.now,
  });
  return { db, keys, clock };
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('key service: database outage', () => {
  it('keeps serving the last token key ring while the database is down, and reloads after', async () => {
    const { db, keys, clock } = keyServiceOnSwitchableDatabase();
    await keys.bootstrap();
    const ring = await keys.tokenKeyring();
    db.state.failure = refused();
    clock.now += 60_000;
    expect((await keys.tokenKeyring()).current.kid).toBe(ring.current.kid);
    // A token naming an unknown kid cannot be resolved without the database: still the old ring.
    expect((await keys.tokenKeyring('unknown-kid')).find('unknown-kid')).toBeUndefined();
    db.state.failure = undefined;
    const rotated = await keys.rotate();
    expect((await keys.tokenKeyring(rotated.kid)).current.kid).toBe(rotated.kid);
  });

  it('fails without a cached ring, and for errors that are not an outage', async () => {
    const { db, keys, clock } = keyServiceOnSwitchableDatabase();
    db.state.failure = refused();
    await expect(keys.tokenKeyring()).rejects.toThrow('ECONNREFUSED');
    db.state.failure = undefined;
    await keys.tokenKeyring();
    clock.now += 60_000;
    db.state.failure = Object.assign(new Error('relation does not exist'), { code: '42P01' });
    await expect(keys.tokenKeyring()).rejects.toThrow('relation does not exist');
  });
});
