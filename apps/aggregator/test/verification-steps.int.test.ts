import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { APP_CALLBACK, authorizeUrl } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';
import { listVerificationSteps } from '../src/verifications/store/verification-step-store.js';
import { startVerificationSweep } from '../src/verifications/verification-sweep.js';
import { deleteVerificationStepsBefore } from '../src/verifications/store/verification-step-store.js';

// Issue 17: the steps of every verification in verification_steps (the console's lookup),
// written with tracing off (no OTEL_* set), and usage_events.token_jti for proxied calls.
let s: CoreStack;
beforeAll(async () => {
  s = await startCoreStack();
}, 90_000);
afterAll(() => s?.stop());

const STEPS = [
  'authorize',
  'telco_finder',
  'operator_redirect',
  'operator_callback',
  'operator_token',
  'token',
];

/** Runs /authorize for the device; the verification id is the interaction uid in the URL. */
async function authorize(address: string, prompt = 'none') {
  const req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt });
  const device = s.device(address);
  const { redirect } = await device.follow(req.url, APP_CALLBACK);
  return { req, params: redirect?.searchParams };
}

async function stepsOf(vid: string) {
  await s.agg.flushVerifications();
  return listVerificationSteps(s.t.db.knex, vid);
}

/** The one verification of `clientId` whose steps include `step` with this error, newest. */
async function failedVerification(step: string, error: string) {
  await s.agg.flushVerifications();
  const row = (await s.t.db
    .knex('verification_steps')
    .where({ step, outcome: 'error', client_id: s.secretApp.id })
    .andWhere('error', 'like', `${error}%`)
    .orderBy('id', 'desc')
    .first()) as { verification_id: string } | undefined;
  expect(row).toBeDefined();
  return stepsOf(row!.verification_id);
}

describe('verification_steps', () => {
  it('records every step of an ok verification in order, with client, operator and no trace id', async () => {
    const { req, params } = await authorize('127.10.0.31');
    const token = await s.tokenFor(s.secretApp, params!.get('code')!, req.verifier);
    const claims = token.claims as unknown as Record<string, string>;
    const steps = await stepsOf(claims.vid!);
    expect(steps.map((x) => x.step)).toEqual(STEPS);
    for (const step of steps) {
      expect(step).toMatchObject({ outcome: 'ok', clientId: s.secretApp.id, error: undefined });
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
      expect(step.traceId).toBeUndefined();
    }
    expect(steps.slice(1).every((x) => x.operatorId === 'sandbox-a')).toBe(true);
    expect(steps.at(-1)!.tokenJti).toBe(claims.jti);
    expect(steps.slice(0, -1).every((x) => x.tokenJti === undefined)).toBe(true);
  });

  it('names the token in usage_events.token_jti for each proxied call, so a call leads to its verification', async () => {
    const { req, params } = await authorize('127.10.0.32');
    const minted = await s.tokenFor(s.secretApp, params!.get('code')!, req.verifier);
    const claims = minted.claims as unknown as Record<string, string>;
    const res = await fetch(`${s.agg.publicUrl}/number-verification/v2/verify`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${String(minted.body.access_token)}`,
        'content-type': 'application/json',
        'x-correlator': 'steps-call-32',
      },
      body: JSON.stringify({ phoneNumber: '+346001000032' }),
    });
    expect(res.status).toBe(200);
    await s.agg.flushUsage();
    const call = (await s.t.db
      .knex('usage_events')
      .where({ correlator: 'steps-call-32' })
      .first()) as { token_jti: string | null };
    expect(call.token_jti).toBe(claims.jti);
    const steps = await stepsOf(claims.vid!);
    expect(steps.find((x) => x.step === 'token')!.tokenJti).toBe(call.token_jti);
  });

  it('ends a verification on an unknown network at telco_finder with access_denied', async () => {
    const { params } = await authorize('127.30.0.31');
    expect(params?.get('error')).toBe('access_denied');
    const steps = await failedVerification('telco_finder', 'access_denied');
    expect(steps.map((x) => [x.step, x.outcome])).toEqual([
      ['authorize', 'ok'],
      ['telco_finder', 'error'],
    ]);
    expect(steps[1]!.error).toBe('access_denied: no operator for the device');
    expect(steps[1]!.operatorId).toBeUndefined();
  });

  it('records the operator refusing (consent_required under prompt=none) at operator_callback', async () => {
    const { params } = await authorize('127.20.0.31');
    expect(params?.get('error')).toBe('consent_required');
    const steps = await failedVerification('operator_callback', 'consent_required');
    expect(steps.map((x) => x.step)).toEqual([
      'authorize',
      'telco_finder',
      'operator_redirect',
      'operator_callback',
    ]);
    expect(steps.at(-1)).toMatchObject({ outcome: 'error', operatorId: 'sandbox-b' });
    // Our words, never the operator's, and nothing personal.
    expect(steps.at(-1)!.error).not.toMatch(/\+?\d{8,}|127\.20\.0\.31/);
  });

  it('records the operator refusing a scope at operator_callback with invalid_scope', async () => {
    const req = authorizeUrl(s.agg.issuer, s.secretApp, {
      prompt: 'none',
      scope: 'openid dpv:FraudPreventionAndDetection not-a-scope',
    });
    const { redirect } = await s.device('127.10.0.33').follow(req.url, APP_CALLBACK);
    expect(redirect?.searchParams.get('error')).toBe('invalid_scope');
    const steps = await failedVerification('operator_callback', 'invalid_scope');
    expect(steps.map((x) => [x.step, x.outcome])).toEqual([
      ['authorize', 'ok'],
      ['telco_finder', 'ok'],
      ['operator_redirect', 'ok'],
      ['operator_callback', 'error'],
    ]);
    expect(steps.at(-1)!.error).toBe(
      'invalid_scope: the mobile operator refused the requested scope',
    );
  });

  it('records an /authorize the provider refused (unregistered redirect_uri) as a failed authorize step', async () => {
    const req = authorizeUrl(s.agg.issuer, s.secretApp, {
      redirectUri: 'http://127.0.0.1:3999/elsewhere',
    });
    const { page } = await s.device('127.10.0.34').follow(req.url, APP_CALLBACK);
    expect(page.status).toBe(400);
    const steps = await failedVerification('authorize', 'invalid_redirect_uri');
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ clientId: s.secretApp.id, operatorId: undefined });
  });

  it('deletes steps older than the retention (VERIFICATION_RETENTION_DAYS)', async () => {
    const knex = s.t.db.knex;
    await knex('verification_steps').insert({
      verification_id: 'old-verification',
      occurred_at: new Date(Date.now() - 40 * 86_400_000),
      step: 'authorize',
      client_id: s.secretApp.id,
      outcome: 'ok',
      duration_ms: 1,
    });
    const sweep = startVerificationSweep({
      deleteBefore: (before) => deleteVerificationStepsBefore(knex, before),
      retentionDays: 30,
    });
    await sweep.sweepOnce();
    await sweep.stop();
    expect(await listVerificationSteps(knex, 'old-verification')).toEqual([]);
    expect(await knex('verification_steps').count({ n: '*' }).first()).not.toEqual({ n: 0 });
  });
});
