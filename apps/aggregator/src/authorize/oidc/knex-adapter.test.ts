import { describe, expect, it } from '@jest/globals';
import type { OidcModelRecord, OidcModelStore } from '../store/oidc-model-store.js';
import { createAdapterClass } from './knex-adapter.js';

class Unavailable extends Error {}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A store whose every operation fails with `err`. */
function failingStore(err: () => Error): OidcModelStore {
  const fail = async () => {
    throw err();
  };
  return { upsert: fail, find: fail, consume: fail, destroy: fail, revokeByGrantId: fail };
}

function adapterFor(store: OidcModelStore, clientError?: () => Error) {
  const Adapter = createAdapterClass({
    store,
    clientMetadata: async () => {
      if (clientError) throw clientError();
      return { client_id: 'c' };
    },
    unavailable: (cause) => new Unavailable('temporarily_unavailable', { cause }),
  });
  return (model: string) => new Adapter(model);
}

describe('oidc adapter: database outage', () => {
  const down = adapterFor(failingStore(refused));

  it.each([
    ['upsert', () => down('Interaction').upsert('i', {}, 60)],
    ['find', () => down('Session').find('s')],
    ['findByUid', () => down('Session').findByUid('u')],
    ['findByUserCode', () => down('DeviceCode').findByUserCode('u')],
    ['consume', () => down('AuthorizationCode').consume('c')],
    ['destroy', () => down('Interaction').destroy('i')],
    ['revokeByGrantId', () => down('Grant').revokeByGrantId('g')],
  ])(
    '%s maps a refused connection to the unavailable error, keeping the cause',
    async (_op, call) => {
      const err = await (call() as Promise<unknown>).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Unavailable);
      expect(((err as Error).cause as { code: string }).code).toBe('ECONNREFUSED');
    },
  );

  it('maps a failing client lookup the same way', async () => {
    const adapter = adapterFor(failingStore(refused), refused);
    await expect(adapter('Client').find('c')).rejects.toBeInstanceOf(Unavailable);
  });

  it('leaves other database errors alone (they stay server errors)', async () => {
    const broken = adapterFor(
      failingStore(() => Object.assign(new Error('syntax error'), { code: '42601' })),
    );
    const err = await broken('Session')
      .find('s')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).not.toBeInstanceOf(Unavailable);
    expect((err as Error).message).toBe('syntax error');
  });
});

/** The store port in memory: what the adapter hands to the database, row by row. */
function memoryStore() {
  const rows = new Map<string, { payload: Record<string, unknown>; consumedAt?: number }>();
  const store: OidcModelStore = {
    async upsert(model, id, payload) {
      rows.set(`${model}/${id}`, { payload });
    },
    async find(model, where): Promise<OidcModelRecord | undefined> {
      const row = 'id' in where ? rows.get(`${model}/${where.id}`) : undefined;
      return row && { payload: row.payload, consumedAt: row.consumedAt };
    },
    async consume(model, id) {
      const row = rows.get(`${model}/${id}`);
      if (row) row.consumedAt = 1;
    },
    async destroy(model, id) {
      rows.delete(`${model}/${id}`);
    },
    async revokeByGrantId() {},
  };
  return { rows, store };
}

describe('oidc adapter: ids at rest', () => {
  it('keeps an authorization code only as a hash, and finds it by the code', async () => {
    const { rows, store } = memoryStore();
    const codes = adapterFor(store)('AuthorizationCode');
    const code = 'the-code-value-0123456789';
    await codes.upsert(code, { jti: code, grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    expect(JSON.stringify([...rows])).not.toContain(code);
    expect(await codes.find(code)).toEqual({ jti: code, grantId: 'g1', kind: 'AuthorizationCode' });
    await codes.consume(code);
    expect(await codes.find(code)).toMatchObject({ jti: code, consumed: 1 });
    await codes.destroy(code);
    expect(await codes.find(code)).toBeUndefined();
    expect(rows.size).toBe(0);
  });

  it('keeps other models under their own id (sessions are also found by uid)', async () => {
    const { rows, store } = memoryStore();
    const sessions = adapterFor(store)('Session');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', kind: 'Session' });
    expect([...rows.keys()]).toEqual(['Session/s1']);
    expect(await sessions.find('s1')).toEqual({ jti: 's1', uid: 'u1', kind: 'Session' });
  });
});
