import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Operator, TelcoFinder } from '@switchboard/telco-finder';
import { createSecretBox } from '@switchboard/tokens';
import { silentLogger } from '../../infra/logging.js';
import type {
  OperatorBackendClient,
  OperatorBackendTokens,
} from '../flow/operator-backend-client.js';
import {
  loadOidcProvider,
  type GrantHandler,
  type OidcContext,
  type OidcProvider,
  type OidcProviderModule,
} from '../oidc/oidc-provider-module.js';
import { createCiba } from './ciba.js';

// One CIBA poll at the aggregator (authorize/backend/ciba.ts) against an operator that answers
// what each test says: what the app is told, what is recorded, and when the operator is asked.
const OP = { id: 'op-x', apiRoot: 'https://op-x.example', status: 'active' } as unknown as Operator;
const ID = 'sb-auth-req-id';
let t: TestDatabase;
let oidc: OidcProviderModule;
const secretBox = createSecretBox(['ciba-polling-test-master-key-0123456789']);

/** What the operator's token endpoint does at the next poll. */
let operatorAnswer: () => Promise<OperatorBackendTokens>;
let operatorPolls: number;
let results: Array<[string, unknown]>;
let builtInCalls: number;

beforeAll(async () => {
  t = await createTestDatabase();
  oidc = await loadOidcProvider();
}, 60_000);
afterAll(() => t.destroy());

beforeEach(async () => {
  operatorPolls = 0;
  builtInCalls = 0;
  results = [];
  await t.db.knex('backchannel_requests').delete();
  await t.db.knex('backchannel_requests').insert({
    auth_req_id: ID,
    client_id: 'app',
    operator_id: OP.id,
    operator_request_enc: secretBox.seal('operator-req-id', `operator-auth-req-id:${ID}`),
    scope: 'openid dpv:FraudPreventionAndDetection sim-swap:check',
    interval_seconds: 2,
    poll_after: new Date(Date.now() - 1000),
    expires_at: new Date(Date.now() + 60_000),
  });
});

function poller() {
  const backend = {
    pollBackchannel: async (_op: Operator, operatorRequest: string) => {
      expect(operatorRequest).toBe('operator-req-id');
      operatorPolls += 1;
      return operatorAnswer();
    },
  } as unknown as OperatorBackendClient;
  const ciba = createCiba(oidc, {
    knex: t.db.knex,
    finder: {} as TelcoFinder,
    operator: async () => OP,
    backend,
    secretBox,
    grants: { save: async () => {} },
    grantFor: async () => 'grant-1',
    pairwiseSecret: Buffer.alloc(32),
    minIntervalSeconds: 1,
    maxExpiresIn: 600,
    logger: silentLogger,
  });
  const provider = {
    BackchannelAuthenticationRequest: {
      find: async () => ({ jti: ID, accountId: 'acct', clientId: 'app' }),
    },
    backchannelResult: async (request: string | { jti: string }, result: unknown) => {
      results.push([typeof request === 'string' ? request : request.jti, result]);
    },
  } as unknown as OidcProvider;
  const builtIn: GrantHandler = async () => {
    builtInCalls += 1;
  };
  return ciba.pollingGrant(provider, builtIn);
}

const ctx = () =>
  ({
    oidc: { params: { auth_req_id: ID }, client: { clientId: 'app' } },
  }) as unknown as OidcContext;
const row = () => t.db.knex('backchannel_requests').where({ auth_req_id: ID }).first();
const oauthError = (error: string, status = 400) =>
  new client.ResponseBodyError('operator error', {
    cause: { error },
    response: new Response(JSON.stringify({ error }), { status }),
  } as never);

describe('a CIBA poll through the aggregator', () => {
  it('pending at the operator: oidc-provider answers (authorization_pending), the next poll waits the interval', async () => {
    operatorAnswer = () => Promise.reject(oauthError('authorization_pending'));
    await poller()(ctx());
    expect({ operatorPolls, builtInCalls, results }).toEqual({
      operatorPolls: 1,
      builtInCalls: 1,
      results: [],
    });
    // At once again: slow_down, and the operator is not asked.
    await expect(poller()(ctx())).rejects.toMatchObject({ error: 'slow_down' });
    expect(operatorPolls).toBe(1);
  });

  it('the operator says slow_down: the app is told so and the interval grows by 5 s', async () => {
    operatorAnswer = () => Promise.reject(oauthError('slow_down'));
    await expect(poller()(ctx())).rejects.toMatchObject({ error: 'slow_down' });
    expect((await row())?.interval_seconds).toBe(7);
  });

  it('the operator denies: the refusal is recorded on the request and the mapping removed', async () => {
    operatorAnswer = () => Promise.reject(oauthError('access_denied'));
    await poller()(ctx());
    expect(results).toEqual([[ID, expect.objectContaining({ error: 'access_denied' })]]);
    expect(await row()).toBeUndefined();
  });

  it('the operator cannot be reached: temporarily_unavailable (503), the request stays for a later poll', async () => {
    operatorAnswer = () =>
      Promise.reject(
        Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      );
    await expect(poller()(ctx())).rejects.toMatchObject({
      error: 'temporarily_unavailable',
      statusCode: 503,
    });
    expect(results).toEqual([]);
    expect(await row()).toMatchObject({ auth_req_id: ID });
  });

  it('the operator grants: the grant is recorded and the mapping removed', async () => {
    operatorAnswer = async () => ({
      accessToken: 'op-at',
      expiresIn: 120,
      amr: ['nbf'],
      acr: undefined,
    });
    await poller()(ctx());
    expect(results).toEqual([[ID, 'grant-1']]);
    expect(builtInCalls).toBe(1);
    expect(await row()).toBeUndefined();
  });

  it('an expired request: expired_token, without asking the operator', async () => {
    await t.db.knex('backchannel_requests').update({ expires_at: new Date(Date.now() - 1) });
    await expect(poller()(ctx())).rejects.toMatchObject({ error: 'expired_token' });
    expect(operatorPolls).toBe(0);
  });

  it("another client's auth_req_id: left to oidc-provider (invalid_grant), the operator not asked", async () => {
    const other = {
      oidc: { params: { auth_req_id: ID }, client: { clientId: 'other' } },
    } as unknown as OidcContext;
    await poller()(other);
    expect({ operatorPolls, builtInCalls }).toEqual({ operatorPolls: 0, builtInCalls: 1 });
  });
});
