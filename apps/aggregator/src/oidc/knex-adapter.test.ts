import { describe, expect, it } from '@jest/globals';
import type { OidcModelStore } from '../store/oidc-model-store.js';
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
