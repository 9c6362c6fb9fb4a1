import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Knex } from 'knex';
import { createSecretBox } from '@switchboard/tokens';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { createKeyService } from './key-service.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

/** The test database's knex, except that every query fails with `failure` while it is set. */
function switchable(knex: Knex) {
  const state = { failure: undefined as Error | undefined, queries: 0 };
  const proxy = new Proxy(knex, {
    apply(target, thisArg, args) {
      state.queries += 1;
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

describe('key service: unknown kids', () => {
  it('answers a flood of made-up kids with a few spaced reloads, and still learns a rotated key', async () => {
    const { db, keys } = keyServiceOnSwitchableDatabase();
    await keys.bootstrap();
    await keys.tokenKeyring();
    const before = db.state.queries;
    const rings = await Promise.all(
      Array.from({ length: 50 }, (_, i) => keys.tokenKeyring(`made-up-${i}`)),
    );
    expect(rings.every((r) => r.find('made-up-0') === undefined)).toBe(true);
    expect(db.state.queries - before).toBeLessThanOrEqual(2);
    // Another process rotates: this one learns the key from the first token naming it.
    const other = createKeyService({
      knex: t.db.knex,
      secretBox: createSecretBox(['master-key-for-tests-0123456789abcdef']),
    });
    const rotated = await other.rotate();
    expect((await keys.tokenKeyring(rotated.kid)).find(rotated.kid)).toBeDefined();
  });
});

describe('retiring a token key while tokens encrypted with it may be in use', () => {
  it('refuses the current key and a key replaced less than the token lifetime (plus key caching) ago, unless forced', async () => {
    const own = await createTestDatabase();
    try {
      const clock = { now: 0 };
      const keys = createKeyService({
        knex: own.db.knex,
        secretBox: createSecretBox(['master-key-for-tests-0123456789abcdef']),
        tokenLifetimeSeconds: 60,
        clock: () => clock.now,
      });
      await keys.bootstrap();
      const first = (await keys.list()).find((k) => k.use === 'token-encryption')!;
      const second = await keys.rotate();
      const replacedAt = Date.parse(second.createdAt);
      clock.now = replacedAt;
      await expect(keys.retire(second.kid)).rejects.toThrow(
        `key '${second.kid}' is the current token key`,
      );
      await expect(keys.retire(first.kid)).rejects.toThrow(
        `key '${first.kid}' was replaced 0 s ago and tokens encrypted with it may still be in use for 70 s (the token lifetime, ACCESS_TOKEN_MAX_TTL, plus 10 s of key caching)`,
      );
      clock.now = replacedAt + 70_000 - 1;
      await expect(keys.retire(first.kid)).rejects.toThrow(/may still be in use for 1 s/);
      clock.now = replacedAt + 70_000;
      await expect(keys.retire(first.kid)).resolves.toMatchObject({ status: 'retired' });
      const third = await keys.rotate();
      await expect(keys.retire(second.kid, { force: true })).resolves.toMatchObject({
        status: 'retired',
      });
      expect((await keys.list()).filter((k) => k.status === 'active').map((k) => k.kid)).toContain(
        third.kid,
      );
    } finally {
      await own.destroy();
    }
  });
});
