import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_WINDOW_MS } from '@switchboard/contracts';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { deleteExpiredFlowState } from '../src/authorize/store/oidc-model-store.js';
import { deleteLegEventsBefore } from '../src/conformance/store/operator-health-store.js';

// What a verification leaves behind is removed (docs/performance.md, "Scale and memory"): the
// flow tables by expiry, every minute; the scorecard's leg events after 31 days, every hour.

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const HOUR = 3_600_000;

/** One row per flow table, expiring at `expiresAt`, keyed by `key`. */
function flowRows(key: string, expiresAt: Date): Record<string, Record<string, unknown>> {
  const common = { client_id: 'app', operator_id: 'sandbox-a', scope: 'openid' };
  return {
    oidc_models: { model: 'Session', id: key, payload: '{}', expires_at: expiresAt },
    operator_flows: {
      ...common,
      state: key,
      interaction_uid: key,
      code_verifier: 'v',
      nonce: 'n',
      binding_hash: Buffer.alloc(32),
      expires_at: expiresAt,
    },
    operator_grants: {
      ...common,
      grant_id: key,
      api_root: 'http://op.test',
      access_token_enc: 'sealed',
      expires_at: expiresAt,
    },
    access_token_uses: { jti: key, expires_at: expiresAt },
    backchannel_requests: {
      ...common,
      auth_req_id: key,
      operator_request_enc: 'sealed',
      interval_seconds: 5,
      poll_after: expiresAt,
      expires_at: expiresAt,
    },
    assertion_uses: { client_id: 'app', jti: key, expires_at: expiresAt },
    openid4vp_requests: {
      id: key,
      client_id: 'app',
      nonce: key,
      vct: 'v',
      scope: 'openid',
      consent_data_hash: 'h',
      ephemeral_key_enc: 'sealed',
      expires_at: expiresAt,
    },
  };
}

describe(`expired flow state sweep (${process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('deletes every expired flow row and keeps the live ones', async () => {
    const { knex } = t.db;
    const expired = flowRows('expired', new Date(Date.now() - 1_000));
    const live = flowRows('live', new Date(Date.now() + HOUR));
    for (const [table, row] of Object.entries(expired)) await knex(table).insert(row);
    for (const [table, row] of Object.entries(live)) await knex(table).insert(row);

    await deleteExpiredFlowState(knex);

    for (const table of Object.keys(expired)) {
      const rows = await knex(table).select('expires_at');
      expect({ table, rows: rows.length }).toEqual({ table, rows: 1 });
      expect(new Date(rows[0].expires_at).getTime()).toBeGreaterThan(Date.now());
    }
  });

  it('deletes operator leg events older than the longest scorecard window, and only those', async () => {
    const { knex } = t.db;
    const event = (ageMs: number) => ({
      occurred_at: new Date(Date.now() - ageMs),
      operator_id: 'sandbox-a',
      leg: 'token',
      outcome: 'ok',
      latency_ms: 3,
    });
    await knex('operator_leg_events').insert([
      event(MAX_WINDOW_MS + HOUR),
      event(MAX_WINDOW_MS + 1_000),
      event(MAX_WINDOW_MS - HOUR),
      event(1_000),
    ]);

    await deleteLegEventsBefore(knex, new Date(Date.now() - MAX_WINDOW_MS));
    const left = await knex('operator_leg_events').select('occurred_at');
    expect(left).toHaveLength(2);
    for (const row of left)
      expect(Date.now() - new Date(row.occurred_at).getTime()).toBeLessThan(MAX_WINDOW_MS);
  });
});
