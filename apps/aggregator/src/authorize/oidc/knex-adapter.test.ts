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
  return {
    upsert: fail,
    find: fail,
    findCode: fail,
    findInteraction: fail,
    findGrant: fail,
    spendOnce: fail,
    setInteractionResult: fail,
    completeOperatorLeg: fail,
    consume: fail,
    destroy: fail,
    revokeByGrantId: fail,
  };
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
    ['find', () => down('AccessToken').find('s')],
    ['find (a code, consumed as found)', () => down('AuthorizationCode').find('c')],
    ['find (an interaction)', () => down('Interaction').find('i')],
    ['find (a grant)', () => down('Grant').find('g')],
    ['findByUid', () => down('Interaction').findByUid('u')],
    ['findByUserCode', () => down('DeviceCode').findByUserCode('u')],
    ['consume', () => down('BackchannelAuthenticationRequest').consume('c')],
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
    const err = await broken('Grant')
      .find('g')
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
  const destroyed: string[] = [];
  const store: OidcModelStore = {
    async upsert(model, id, payload) {
      rows.set(`${model}/${id}`, { payload });
    },
    async find(model, where): Promise<OidcModelRecord | undefined> {
      const row = 'id' in where ? rows.get(`${model}/${where.id}`) : undefined;
      return row && { payload: row.payload, consumedAt: row.consumedAt };
    },
    async findCode(id) {
      const row = rows.get(`AuthorizationCode/${id}`);
      const found = row && { payload: row.payload, consumedAt: row.consumedAt, grant: undefined };
      if (row) row.consumedAt ??= 1;
      return found;
    },
    async findInteraction(id) {
      const row = rows.get(`Interaction/${id}`);
      const claimed = row?.payload.result !== undefined;
      if (claimed) rows.delete(`Interaction/${id}`);
      return row && { payload: row.payload, consumedAt: undefined, claimed };
    },
    async findGrant(id) {
      const row = rows.get(`Grant/${id}`);
      return row && { payload: row.payload, consumedAt: undefined, operatorGrant: undefined };
    },
    spendOnce: async () => true,
    setInteractionResult: async () => undefined,
    completeOperatorLeg: async () => undefined,
    async consume(model, id) {
      const row = rows.get(`${model}/${id}`);
      if (row) row.consumedAt = 1;
    },
    async destroy(model, id) {
      destroyed.push(`${model}/${id}`);
      rows.delete(`${model}/${id}`);
    },
    async revokeByGrantId() {},
  };
  return { rows, store, destroyed };
}

describe('oidc adapter: ids at rest', () => {
  it('keeps an authorization code only as a hash, and finds it by the code', async () => {
    const { rows, store } = memoryStore();
    const codes = adapterFor(store)('AuthorizationCode');
    const code = 'the-code-value-0123456789';
    await codes.upsert(code, { jti: code, grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    expect(JSON.stringify([...rows])).not.toContain(code);
    expect(await codes.find(code)).toEqual({ jti: code, grantId: 'g1', kind: 'AuthorizationCode' });
    // Found once at the token endpoint, and consumed as it is found: a second find sees it used.
    await codes.consume(code);
    expect(await codes.find(code)).toMatchObject({ jti: code, consumed: 1 });
    await codes.destroy(code);
    expect(await codes.find(code)).toBeUndefined();
    expect(rows.size).toBe(0);
  });

  it('keeps other models under their own id', async () => {
    const { rows, store } = memoryStore();
    const interactions = adapterFor(store)('Interaction');
    await interactions.upsert('i1', { jti: 'i1', kind: 'Interaction' }, 60);
    expect([...rows.keys()]).toEqual(['Interaction/i1']);
    expect(await interactions.find('i1')).toEqual({ jti: 'i1', kind: 'Interaction' });
  });

  it('stores no sessions: nothing reads one again', async () => {
    const { rows, store } = memoryStore();
    const sessions = adapterFor(store)('Session');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', kind: 'Session' }, 600);
    expect(rows.size).toBe(0);
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('deletes a finished interaction as resume reads it, and not a second time', async () => {
    const { rows, store, destroyed } = memoryStore();
    const interactions = adapterFor(store)('Interaction');
    await interactions.upsert('i1', { jti: 'i1', kind: 'Interaction', result: {} }, 60);
    expect(await interactions.find('i1')).toMatchObject({ jti: 'i1' });
    await interactions.destroy('i1');
    expect(destroyed).toEqual([]);
    expect(rows.size).toBe(0);
    await interactions.upsert('i2', { jti: 'i2', kind: 'Interaction' }, 60);
    expect(await interactions.find('i2')).toMatchObject({ jti: 'i2' });
    await interactions.destroy('i2');
    expect(destroyed).toEqual(['Interaction/i2']);
  });
});
