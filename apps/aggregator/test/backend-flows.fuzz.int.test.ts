import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { importJWK, SignJWT } from 'jose';
import { tableFingerprint } from '@switchboard/db/test-support';
import {
  createFuzzClient,
  expectOAuthJsonError,
  fuzzParameters,
  fuzzRuns,
  fuzzTimeout,
  hostileString,
} from '@switchboard/test-kit/test-support';
import {
  CIBA_GRANT,
  clientAssertion,
  JWT_BEARER_GRANT,
  registerBackendApp,
  startCoreStack,
  type BackendApp,
  type CoreStack,
} from '../test-support/index.js';

// Hostile input (docs/security.md, "Hostile input") at the ICM backend flows: /bc-authorize,
// the CIBA grant and the JWT-bearer grant with random parameters and assertions. Never a 5xx;
// every refusal an ICM Appendix A JSON error; a refused request writes nothing. Subscribers
// are on no operator, so no request reaches one and nothing is granted.
let s: CoreStack;
let app: BackendApp;
let assertions: string[];
const http = createFuzzClient('127.30.0.10');
const FRAUD = 'dpv:FraudPreventionAndDetection';

beforeAll(async () => {
  s = await startCoreStack({ RATE_LIMIT_ENABLED: 'false' });
  app = await registerBackendApp(s.agg, { trustTelSubject: true });
  const bc = `${s.agg.issuer}/bc-authorize`;
  const token = `${s.agg.issuer}/token`;
  assertions = await Promise.all([
    clientAssertion(app, bc),
    clientAssertion(app, token),
    clientAssertion(app, 'https://elsewhere.example'),
    clientAssertion({ id: s.keyApp.id, jwk: s.keyApp.jwk }, bc),
  ]);
}, 60_000);
afterAll(async () => {
  await http.close();
  await s.stop();
});

/**
 * Every table but the replay cache: a client assertion that authenticated is spent even when
 * the request is then refused (RFC 7523 §3 `jti`), which is the one write a refusal makes.
 */
async function fingerprint() {
  const { oidc_models: _replays, ...rest } = await tableFingerprint(s.t.db.knex);
  const others = await s.t.db
    .knex('oidc_models')
    .whereNot({ model: 'ReplayDetection' })
    .select('model');
  return { ...rest, oidcModelsOtherThanReplays: others.length };
}

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const form = (params: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();

/** Numbers and addresses no operator holds, malformed hints, and anything at all. */
const subject = () =>
  fc.oneof(
    fc.constantFrom(
      'tel:+12025550100',
      'tel:+4412345678',
      'ipport:127.30.0.1',
      'ipport:[2001:db8::1]:443',
      'tel:346001000007',
      'tel:+34 600 100 007',
      'ipport:2001:db8::1',
      'ipport:1.2.3',
      'operatortoken:abc',
      '',
    ),
    hostileString(),
  );

const scope = () =>
  fc.oneof(
    fc.constant(`openid ${FRAUD} sim-swap:check`),
    fc
      .subarray(['openid', FRAUD, 'dpv:ServiceProvision', 'sim-swap:check', 'kyc-match:match'])
      .map((a) => a.join(' ')),
    hostileString(),
  );

const clientAuth = () =>
  fc.record(
    {
      client_id: maybe(fc.oneof(fc.constant('APP'), hostileString())),
      client_assertion_type: maybe(
        fc.constantFrom('urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'x'),
      ),
      client_assertion: maybe(
        fc.oneof(
          fc.nat().map((i) => assertions[i % assertions.length]!),
          hostileString(),
        ),
      ),
    },
    { requiredKeys: [] },
  );

const withApp = (p: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v === 'APP' ? app.id : v]));

describe('/bc-authorize under hostile parameters', () => {
  const runs = fuzzRuns('backchannel authentication requests');
  it(
    'never 5xx, answers ICM JSON errors, and writes nothing',
    async () => {
      const before = await fingerprint();
      await fc.assert(
        fc.asyncProperty(
          clientAuth(),
          fc.record(
            {
              login_hint: maybe(subject()),
              scope: maybe(scope()),
              login_hint_token: maybe(hostileString()),
              id_token_hint: maybe(hostileString()),
              binding_message: maybe(hostileString()),
              user_code: maybe(hostileString()),
              requested_expiry: maybe(fc.oneof(fc.integer().map(String), hostileString())),
              request: maybe(hostileString()),
              acr_values: maybe(hostileString()),
            },
            { requiredKeys: [] },
          ),
          async (auth, params) => {
            const res = await http.send(`${s.agg.publicUrl}/bc-authorize`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: form(withApp({ ...auth, ...params })),
            });
            expectOAuthJsonError(res);
          },
        ),
        fuzzParameters(runs),
      );
      expect(await fingerprint()).toEqual(before);
    },
    fuzzTimeout(runs),
  );
});

/** JWT-bearer assertions signed with the backend client's key, with hostile claims. */
const signedAssertion = () =>
  fc
    .record(
      {
        sub: subject(),
        scope: maybe(scope()),
        aud: fc.constantFrom('TOKEN', 'BC', 'https://elsewhere.example', ''),
        iat: fc.integer({ min: -600, max: 600 }),
        life: fc.integer({ min: -60, max: 900 }),
        jti: maybe(fc.oneof(fc.uuid(), hostileString())),
        iss: fc.constantFrom('APP', 'OTHER'),
      },
      { requiredKeys: ['sub', 'aud', 'iat', 'life', 'iss'] },
    )
    .map(async (c) => {
      const now = Math.floor(Date.now() / 1000);
      const aud =
        c.aud === 'TOKEN'
          ? `${s.agg.issuer}/token`
          : c.aud === 'BC'
            ? `${s.agg.issuer}/bc-authorize`
            : c.aud;
      return new SignJWT({
        iss: c.iss === 'APP' ? app.id : s.keyApp.id,
        sub: c.sub,
        aud,
        iat: now + c.iat,
        exp: now + c.iat + c.life,
        ...(c.jti !== undefined ? { jti: c.jti } : { jti: randomUUID() }),
        ...(c.scope !== undefined ? { scope: c.scope } : {}),
      })
        .setProtectedHeader({ alg: 'ES256', kid: app.jwk.kid! })
        .sign(await importJWK(app.jwk, 'ES256'));
    });

describe('the CIBA and JWT-bearer grants under hostile parameters', () => {
  const runs = fuzzRuns('CIBA polls and JWT-bearer assertions');
  it(
    'never 5xx, answers ICM JSON errors, and writes nothing',
    async () => {
      const before = await fingerprint();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.record({
              grant_type: fc.constant(CIBA_GRANT),
              auth_req_id: maybe(hostileString()),
              auth: clientAuth(),
            }),
            fc.record({
              grant_type: fc.constant(JWT_BEARER_GRANT),
              assertion: fc.oneof(
                signedAssertion(),
                hostileString().map(async (a) => a),
              ),
              scope: maybe(scope()),
              extra: maybe(hostileString()),
            }),
          ),
          async (step) => {
            const params =
              'auth' in step
                ? withApp({
                    grant_type: step.grant_type,
                    auth_req_id: step.auth_req_id,
                    ...step.auth,
                  })
                : {
                    grant_type: step.grant_type,
                    assertion: await step.assertion,
                    scope: step.scope,
                    ...(step.extra !== undefined ? { [step.extra]: 'x' } : {}),
                  };
            const res = await http.send(`${s.agg.publicUrl}/token`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: form(params),
            });
            expectOAuthJsonError(res);
          },
        ),
        fuzzParameters(runs),
      );
      expect(await fingerprint()).toEqual(before);
    },
    fuzzTimeout(runs),
  );
});
