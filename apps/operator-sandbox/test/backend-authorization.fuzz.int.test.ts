import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  contentType,
  createFuzzClient,
  expectOAuthJsonError,
  fuzzParameters,
  fuzzRuns,
  fuzzTimeout,
  hostileString,
  rawBody,
  type FuzzResponse,
} from '@switchboard/test-kit/test-support';
import type { RunningSandbox } from '../src/index.js';
import {
  CIBA_GRANT,
  FRAUD,
  JWT_BEARER_GRANT,
  SWITCHBOARD_KEYS,
  bearerAssertion,
  startBackchannel,
  startInstance,
  switchboardAtA,
  testerAt,
} from '../test-support/index.js';

// Hostile input (docs/security.md, "Hostile input"): sandbox-a's CIBA backchannel
// authentication endpoint and the CIBA / JWT-bearer grants of its token endpoint (CAMARA ICM
// backend flows) with random parameters, bodies and client authentication. Never a 5xx;
// every refusal an RFC 6749 JSON error that leaves the persisted state file unchanged; every
// success the shape ICM / CIBA Core define.
let sandbox: RunningSandbox;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-backend-fuzz-'));
const stateFile = path.join(dataDir, 'sandbox-a', 'state.json');
const state = () => (fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : 'none');
const authReqIds: string[] = [];
const http = createFuzzClient();
const SCOPE = `openid ${FRAUD} sim-swap:check`;

beforeAll(async () => {
  sandbox = await startInstance('sandbox-a', {}, { dataDir });
  for (const hint of ['tel:+346001000007', 'ipport:127.10.0.5'])
    authReqIds.push(await startBackchannel(sandbox.url, switchboardAtA, hint, SCOPE));
});
afterAll(async () => {
  await http.close();
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const loginHint = () =>
  fc.oneof(
    fc.constantFrom('tel:+346001000007', 'tel:+346009999999', 'ipport:[::1]:80', 'operatortoken:x'),
    fc.stringMatching(/^tel:\+?[0-9]{0,16}$/),
    fc.ipV4().map((ip) => `ipport:${ip}`),
    fc.ipV6().map((ip) => `ipport:[${ip}]:443`),
    hostileString(),
  );

const scope = () =>
  fc.oneof(
    fc.constantFrom(SCOPE, `${FRAUD} sim-swap:check`, `${FRAUD}#check-sim-swap`, 'openid'),
    hostileString(),
  );

const backchannelForm = () =>
  fc.record(
    {
      login_hint: maybe(loginHint()),
      login_hint_token: maybe(hostileString()),
      id_token_hint: maybe(hostileString()),
      scope: maybe(scope()),
      binding_message: maybe(hostileString()),
      user_code: maybe(hostileString()),
      requested_expiry: maybe(fc.oneof(fc.integer().map(String), hostileString())),
      request: maybe(hostileString()),
      client_id: maybe(fc.oneof(fc.constant('switchboard'), hostileString())),
    },
    { requiredKeys: [] },
  );

/** What the token endpoint is sent: a CIBA poll or a JWT-bearer grant, mostly well-formed. */
const tokenStep = () =>
  fc.record({
    grantType: fc.oneof(fc.constantFrom(CIBA_GRANT, JWT_BEARER_GRANT), hostileString()),
    authReqId: fc.oneof(
      fc.nat().map((i) => authReqIds[i % authReqIds.length]!),
      hostileString(),
    ),
    assertion: fc.oneof(
      fc.record({
        sub: fc.oneof(loginHint(), fc.constant('tel:+346001000005')),
        scope: scope(),
        aud: fc.constantFrom('token', 'issuer', 'elsewhere'),
        iatOffset: fc.integer({ min: -400, max: 400 }),
        expOffset: fc.integer({ min: -400, max: 700 }),
      }),
      hostileString(),
    ),
    scope: maybe(scope()),
    basicAuth: fc.boolean(),
  });

const form = (fields: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();

// Another client's credentials: sent along, they never stand in for the assertion's iss.
const tester = testerAt('sandbox-a') as { clientId: string; secret: string };
const BASIC = `Basic ${Buffer.from(`${tester.clientId}:${tester.secret}`).toString('base64')}`;

/** `before`: the state file before the request; a refusal must leave it as it was. */
function expectOAuthAnswer(
  res: FuzzResponse,
  before: string,
  success: (body: Record<string, unknown>) => void,
) {
  expect(res.status).toBeLessThan(500);
  if (res.status === 200) return success(JSON.parse(res.text) as Record<string, unknown>);
  expectOAuthJsonError(res);
  expect(state()).toBe(before);
}

describe('sandbox backend flows under hostile input', () => {
  const runs = fuzzRuns('sandbox CIBA and JWT-bearer endpoints');

  it(
    'bc-authorize: never 5xx, an OAuth error or {auth_req_id, expires_in, interval}',
    async () => {
      await fc.assert(
        fc.asyncProperty(backchannelForm(), fc.boolean(), async (fields, basic) => {
          const before = state();
          const res = await http.send(`${sandbox.url}/backchannel`, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              authorization: basic ? BASIC : undefined,
            },
            body: form(fields),
          });
          expectOAuthAnswer(res, before, (body) =>
            expect(body).toEqual({ auth_req_id: expect.any(String), expires_in: 120, interval: 1 }),
          );
        }),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs),
  );

  it(
    'token endpoint (CIBA, JWT-bearer): never 5xx, an OAuth error or a token without refresh token',
    async () => {
      await fc.assert(
        fc.asyncProperty(tokenStep(), async (step) => {
          const assertion =
            typeof step.assertion === 'string'
              ? step.assertion
              : await bearerAssertion(SWITCHBOARD_KEYS['sandbox-a'], {
                  ...step.assertion,
                  aud: { token: `${sandbox.url}/token`, issuer: sandbox.url, elsewhere: 'x' }[
                    step.assertion.aud
                  ],
                });
          const before = state();
          const res = await http.send(`${sandbox.url}/token`, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              authorization: step.basicAuth ? BASIC : undefined,
            },
            body: form({
              grant_type: step.grantType,
              auth_req_id: step.grantType === CIBA_GRANT ? step.authReqId : undefined,
              assertion: step.grantType === CIBA_GRANT ? undefined : assertion,
              scope: step.scope,
            }),
          });
          expectOAuthAnswer(res, before, (body) => {
            expect(body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
            expect(body.refresh_token).toBeUndefined();
          });
        }),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs),
  );

  it(
    'raw bodies of any content type: never 5xx, an OAuth error',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/token', '/backchannel'),
          contentType(),
          rawBody(fc.jsonValue()),
          async (endpoint, type, body) => {
            const before = state();
            const res = await http.send(`${sandbox.url}${endpoint}`, {
              method: 'POST',
              headers: { 'content-type': type, authorization: BASIC },
              body,
            });
            expect(res.status).toBeLessThan(500);
            expectOAuthJsonError(res);
            expect(state()).toBe(before);
          },
        ),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs),
  );
});
