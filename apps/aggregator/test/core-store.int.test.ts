import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSecretBox } from '@switchboard/tokens';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { createAdapterClass } from '../src/authorize/oidc/knex-adapter.js';
import { createOperatorGrants } from '../src/authorize/operator-grants.js';
import { createFlowStatePools } from '../src/authorize/store/ephemeral-pool.js';
import { spendAccessToken } from '../src/proxy/store/access-token-use-store.js';
import {
  createOidcModelStore,
  deleteExpiredFlowState,
} from '../src/authorize/store/oidc-model-store.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

describe('aggregator core storage', () => {
  it('persists oidc-provider models with consumption, grant revocation and expiry', async () => {
    const Adapter = createAdapterClass({
      store: createOidcModelStore(t.db.knex),
      clientMetadata: async (id) => (id === 'known' ? { client_id: id } : undefined),
      unavailable: (cause) => new Error('unavailable', { cause }),
    });
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1', uid: 'u1', kind: 'AuthorizationCode' }, 60);
    expect(await codes.find('c1')).toMatchObject({ grantId: 'g1' });
    expect(await codes.findByUid('u1')).toMatchObject({ grantId: 'g1' });
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
    await codes.revokeByGrantId('g1');
    expect(await codes.find('c1')).toBeUndefined();
    await codes.upsert('c2', { kind: 'AuthorizationCode' }, 1);
    await t.db.knex('oidc_models').update({ expires_at: new Date(Date.now() - 1000) });
    expect(await codes.find('c2')).toBeUndefined();
    await deleteExpiredFlowState(t.db.knex);
    expect(await t.db.knex('oidc_models').where({ id: 'c2' }).first()).toBeUndefined();
    expect(await new Adapter('Client').find('known')).toEqual({ client_id: 'known' });
  });

  it("runs the nested flow's combined statements: one write per step, reads carried", async () => {
    const pools = createFlowStatePools(t.db.knex);
    try {
      const store = createOidcModelStore(pools);
      const expiresAt = new Date(Date.now() + 60_000);
      await store.upsert('Interaction', 'i-9', { jti: 'i-9', returnTo: 'https://sb/auth/i-9' }, 60);
      const returnTo = await store.completeOperatorLeg({
        grant: { id: 'g-9', payload: { jti: 'g-9', kind: 'Grant' }, expiresAt },
        operatorGrant: {
          grant_id: 'g-9',
          client_id: 'sb-client',
          operator_id: 'sandbox-a',
          api_root: 'http://sandbox-a.test',
          scope: 'openid',
          access_token_enc: 'sealed-token',
          expires_at: expiresAt,
        },
        interactionUid: 'i-9',
        result: { consent: { grantId: 'g-9' } },
      });
      expect(returnTo).toBe('https://sb/auth/i-9');
      // A finished interaction is deleted as resume reads it: a second resume finds nothing.
      expect(await store.findInteraction('i-9')).toMatchObject({
        claimed: true,
        payload: { result: { consent: { grantId: 'g-9' } } },
      });
      expect(await store.findInteraction('i-9')).toBeUndefined();
      await store.upsert('AuthorizationCode', 'c-9', { grantId: 'g-9' }, 60);
      const code = await store.findCode('c-9');
      expect(code?.consumedAt).toBeUndefined();
      expect(code?.grant).toMatchObject({
        id: 'g-9',
        payload: { kind: 'Grant' },
        operatorGrant: { client_id: 'sb-client', access_token_enc: 'sealed-token' },
      });
      expect((await store.findCode('c-9'))?.consumedAt).toEqual(expect.any(Number));
      expect(await store.spendOnce('ReplayDetection', 'r-9', { iss: 'x' }, 60)).toBe(true);
      expect(await store.spendOnce('ReplayDetection', 'r-9', { iss: 'x' }, 60)).toBe(false);
      expect(await store.setInteractionResult('gone', { error: 'access_denied' })).toBeUndefined();
    } finally {
      await pools.close();
    }
  });

  it('keeps the operator token sealed at rest, bound to its grant', async () => {
    const box = createSecretBox(['master-key-for-tests-0123456789abcdef']);
    const grants = createOperatorGrants({ knex: t.db.knex, secretBox: box });
    const expiresAt = new Date(Date.now() + 300_000);
    const grant = {
      grantId: 'grant-1',
      clientId: 'sb-client',
      operatorId: 'sandbox-a',
      apiRoot: 'http://sandbox-a.test',
      scope: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
      operatorAccessToken: 'operator-token-secret-value',
      expiresAt,
    };
    await grants.save(grant);
    const row = await t.db.knex('operator_grants').where({ grant_id: 'grant-1' }).first();
    expect(JSON.stringify(row)).not.toContain('operator-token-secret-value');
    expect(await grants.find('grant-1')).toEqual(grant);
  });

  it('spends an access token id once', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    expect(await spendAccessToken(t.db.knex, 'jti-1', exp)).toBe(true);
    expect(await spendAccessToken(t.db.knex, 'jti-1', exp)).toBe(false);
  });
});
