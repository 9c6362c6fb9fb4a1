import { describe, expect, it } from '@jest/globals';
import { createMemoryAdapter } from './memory-adapter.js';

describe('memory adapter', () => {
  it('stores per model, expires entries and finds by uid', async () => {
    let now = 1_000_000;
    const Adapter = createMemoryAdapter([], () => now);
    const sessions = new Adapter('Session');
    const tokens = new Adapter('AccessToken');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a' }, 10);
    await tokens.upsert('s1', { grantId: 'g' }, 10);
    expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'a' });
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1', accountId: 'a' });
    now += 10_000;
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('consumes, destroys and revokes by grant', async () => {
    const Adapter = createMemoryAdapter();
    const codes = new Adapter('AuthorizationCode');
    const tokens = new Adapter('AccessToken');
    await codes.upsert('c', { grantId: 'g1' }, 60);
    await tokens.upsert('t1', { grantId: 'g1' }, 60);
    await tokens.upsert('t2', { grantId: 'g2' }, 60);
    await codes.consume('c');
    expect((await codes.find('c'))?.consumed).toEqual(expect.any(Number));
    await tokens.revokeByGrantId('g1');
    expect(await tokens.find('t1')).toBeUndefined();
    expect(await codes.find('c')).toBeUndefined();
    expect(await tokens.find('t2')).toBeDefined();
    await tokens.destroy('t2');
    expect(await tokens.find('t2')).toBeUndefined();
  });

  it('serves configured clients as deep copies', async () => {
    const Adapter = createMemoryAdapter([{ client_id: 'c', jwks: { keys: [{ kty: 'EC' }] } }]);
    const clients = new Adapter('Client');
    const copy = (await clients.find('c')) as { jwks: { keys: Array<Record<string, unknown>> } };
    copy.jwks.keys[0]!.kty = 'changed';
    expect(await clients.find('c')).toEqual({ client_id: 'c', jwks: { keys: [{ kty: 'EC' }] } });
    expect(await new Adapter('Session').find('c')).toBeUndefined();
  });
});
