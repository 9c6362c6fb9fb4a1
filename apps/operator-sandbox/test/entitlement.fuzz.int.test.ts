import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  contentType,
  createFuzzClient,
  expectOAuthJsonError,
  fuzzParameters,
  fuzzRuns,
  fuzzTimeout,
  hostileValue,
  rawBody,
} from '@switchboard/test-kit/test-support';
import type { RunningSandbox } from '../src/index.js';
import { startInstance } from '../test-support/index.js';

// Hostile input (docs/security.md, "Hostile input") at sandbox-a's TS.43-style entitlement
// service: never a 5xx; every refusal a JSON `{error}`; a temp_token only for the HMAC answer
// of an issued challenge, which random input cannot produce.
let sandbox: RunningSandbox;
const http = createFuzzClient();

beforeAll(async () => {
  sandbox = await startInstance('sandbox-a');
});
afterAll(async () => {
  await http.close();
  await sandbox?.close();
});

const msisdn = () =>
  fc.oneof(fc.constantFrom('+346001000005', '+346001000006', '+346001000007'), hostileValue());

const body = () =>
  fc.oneof(
    fc.record(
      {
        msisdn: msisdn(),
        challenge: hostileValue(),
        response: hostileValue(),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

describe('entitlement service under hostile input', () => {
  const runs = fuzzRuns('sandbox TS.43 entitlement endpoints');

  it(
    'never 5xx; a challenge only for a well-formed request of a SIM with an entitlement; never a temp_token',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('challenge', 'temporary-token', 'other'),
          rawBody(body()),
          contentType(),
          fc.constantFrom('POST', 'GET', 'PUT'),
          async (operation, raw, type, method) => {
            const res = await http.send(`${sandbox.url}/ts43/v1/${operation}`, {
              method,
              headers: { 'content-type': type },
              body: method === 'GET' ? undefined : raw,
            });
            expect(res.status).toBeLessThan(500);
            expect(res.headers['cache-control']).toBe('no-store');
            if (res.status !== 200) return expectOAuthJsonError(res);
            expect(operation).toBe('challenge');
            const sent = JSON.parse(raw!.toString('utf8')) as { msisdn: string };
            expect(['+346001000005', '+346001000006']).toContain(sent.msisdn);
            expect(JSON.parse(res.text)).toEqual({
              challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
              expires_in: 60,
            });
          },
        ),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs),
  );
});
