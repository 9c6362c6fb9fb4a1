import { describe, expect, it } from '@jest/globals';
import type { OidcModelRecord, OidcModelStore } from '../store/oidc-model-store.js';
import { createAdapterClass } from './knex-adapter.js';

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

describe('oidc adapter', () => {
  const Adapter = (store: OidcModelStore) =>
    createAdapterClass({ store, clientMetadata: async () => undefined });

  it('keeps an authorization code only as a hash, and finds it by the code', async () => {
    const { rows, store } = memoryStore();
    const codes = new (Adapter(store))('AuthorizationCode');
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
    const sessions = new (Adapter(store))('Session');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', kind: 'Session' });
    expect([...rows.keys()]).toEqual(['Session/s1']);
    expect(await sessions.find('s1')).toEqual({ jti: 's1', uid: 'u1', kind: 'Session' });
  });
});
