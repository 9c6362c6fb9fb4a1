import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { challengeResponse } from '@switchboard/handset';
import { request } from 'undici';
import type { RunningSandbox } from '../src/index.js';
import { startInstance } from '../test-support/index.js';

// The sandbox's TS.43-style entitlement service (contract §1; GSMA TS.43 §2.8.6 Temporary
// Token): SIM authentication simulated with the SIM's secret from config/sandbox.json.
const SIM = { msisdn: '+346001000005', secret: 'sim-secret-a-5' };
let a: RunningSandbox;

beforeAll(async () => {
  a = await startInstance('sandbox-a');
});
afterAll(() => a?.close());

async function post(path: string, body: unknown, contentType = 'application/json') {
  const res = await request(`${a.url}/ts43/v1/${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.statusCode,
    cacheControl: res.headers['cache-control'],
    json: (await res.body.json()) as Record<string, unknown>,
  };
}

const challengeFor = async (msisdn = SIM.msisdn) => {
  const res = await post('challenge', { msisdn });
  expect(res.status).toBe(200);
  return String(res.json.challenge);
};

describe('POST /ts43/v1/challenge', () => {
  it('answers a 32-byte base64url challenge valid 60 s, never cached', async () => {
    const res = await post('challenge', { msisdn: SIM.msisdn });
    expect(res).toMatchObject({ status: 200, cacheControl: 'no-store' });
    expect(res.json).toEqual({
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expires_in: 60,
    });
  });

  it('answers 404 unknown_subscriber for a SIM without an entitlement', async () => {
    // +346001000007 is a subscriber of sandbox-a, but has no SIM secret configured.
    for (const msisdn of ['+346001000007', '+491700000005']) {
      const res = await post('challenge', { msisdn });
      expect(res.status).toBe(404);
      expect(res.json.error).toBe('unknown_subscriber');
    }
  });

  it.each([
    ['no msisdn', {}, /msisdn/],
    ['a number without +', { msisdn: '346001000005' }, /msisdn: must be E.164/],
    ['an unknown property', { msisdn: SIM.msisdn, imsi: '1' }, /unknown properties: imsi/],
    ['an array', [SIM.msisdn], /JSON object/],
    ['invalid JSON', '{"msisdn":', /not a JSON object/],
  ])('answers 400 invalid_request for %s', async (_name, body, description) => {
    const res = await post('challenge', body);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_request');
    expect(String(res.json.error_description)).toMatch(description);
  });

  it('answers 400 for a body that is not application/json', async () => {
    const res = await post(
      'challenge',
      `msisdn=${SIM.msisdn}`,
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: 'invalid_request',
      error_description: 'the body must be application/json',
    });
  });
});

describe('POST /ts43/v1/temporary-token', () => {
  it('issues a temp_token for the right response', async () => {
    const challenge = await challengeFor();
    const res = await post('temporary-token', {
      msisdn: SIM.msisdn,
      challenge,
      response: challengeResponse(SIM.secret, challenge),
    });
    expect(res).toMatchObject({ status: 200, cacheControl: 'no-store' });
    expect(res.json).toEqual({
      temp_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expires_in: 120,
    });
  });

  it('answers 401 authentication_failed for a wrong response, and the challenge is then spent', async () => {
    const challenge = await challengeFor();
    const wrong = await post('temporary-token', {
      msisdn: SIM.msisdn,
      challenge,
      response: challengeResponse('sim-secret-a-6', challenge),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({
      error: 'authentication_failed',
      error_description: 'the response does not answer the challenge',
    });
    const retry = await post('temporary-token', {
      msisdn: SIM.msisdn,
      challenge,
      response: challengeResponse(SIM.secret, challenge),
    });
    expect(retry.status).toBe(401);
    expect(retry.json.error_description).toMatch(/already used/);
  });

  it('refuses a challenge used twice (a challenge works once)', async () => {
    const challenge = await challengeFor();
    const body = {
      msisdn: SIM.msisdn,
      challenge,
      response: challengeResponse(SIM.secret, challenge),
    };
    expect((await post('temporary-token', body)).status).toBe(200);
    const again = await post('temporary-token', body);
    expect(again.status).toBe(401);
    expect(again.json.error).toBe('authentication_failed');
  });

  it("refuses another SIM's challenge and a challenge never issued", async () => {
    const other = { msisdn: '+346001000006', secret: 'sim-secret-a-6' };
    const challenge = await challengeFor(SIM.msisdn);
    const crossed = await post('temporary-token', {
      msisdn: other.msisdn,
      challenge,
      response: challengeResponse(other.secret, challenge),
    });
    expect(crossed.status).toBe(401);
    const invented = await post('temporary-token', {
      msisdn: SIM.msisdn,
      challenge: 'invented',
      response: challengeResponse(SIM.secret, 'invented'),
    });
    expect(invented.status).toBe(401);
    expect(invented.json.error).toBe('authentication_failed');
  });

  it.each([
    ['no response', { msisdn: SIM.msisdn, challenge: 'c' }, /response/],
    ['a numeric challenge', { msisdn: SIM.msisdn, challenge: 1, response: 'r' }, /challenge/],
  ])('answers 400 invalid_request for %s', async (_name, body, description) => {
    const res = await post('temporary-token', body);
    expect(res.status).toBe(400);
    expect(String(res.json.error_description)).toMatch(description);
  });

  it('answers 404 unknown_subscriber for a SIM without an entitlement', async () => {
    const res = await post('temporary-token', {
      msisdn: '+346001000007',
      challenge: 'c',
      response: 'r',
    });
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('unknown_subscriber');
  });
});
