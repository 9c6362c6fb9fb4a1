import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
  type FuzzResponse,
} from '@switchboard/test-kit/test-support';
import { APP_CALLBACK, FRAUD, registerFinderClient } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// Hostile input (docs/security.md, "Hostile input"): the aggregator's OAuth endpoints (seed Annex steps 1–3 and 18)
// with random parameters. Never a 5xx; an error is an RFC 6749 error (a page, a redirect
// to the client's *registered* redirect URI, or JSON); a refused request writes nothing.
let s: CoreStack;
let finder: { id: string; secret: string };
let assertions: string[];
// An unknown network: a valid request ends at once (no operator for the device) and goes on to
// its resume URL, /auth/{uid}, never to an operator.
const http = createFuzzClient('127.30.0.9');

beforeAll(async () => {
  // Thousands of requests from one address: the rate limits (tested on their own) stay out of it.
  s = await startCoreStack({ RATE_LIMIT_ENABLED: 'false' });
  finder = await registerFinderClient(s.agg);
  assertions = await clientAssertions();
}, 60_000);
afterAll(async () => {
  await http.close();
  await s.stop();
});

/** private_key_jwt assertions an attacker could present: wrong aud, too long, foreign key… */
async function clientAssertions(): Promise<string[]> {
  const jwk = s.keyApp.jwk;
  const key = await importJWK(jwk, 'ES256');
  const sign = (aud: string, lifetime: string, sub = s.keyApp.id) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid! })
      .setIssuer(sub)
      .setSubject(sub)
      .setAudience(aud)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(lifetime)
      .sign(key);
  const hs = new SignJWT({ sub: s.keyApp.id, iss: s.keyApp.id, aud: s.agg.issuer })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('60s')
    .sign(randomBytes(32));
  const none = `${b64({ alg: 'none' })}.${b64({ iss: s.keyApp.id, sub: s.keyApp.id, aud: s.agg.issuer, exp: 9e9 })}.`;
  return Promise.all([
    sign('http://elsewhere.example', '60s'),
    sign(s.agg.issuer, '3600s'),
    sign(s.agg.issuer, '60s', s.secretApp.id),
    sign(`${s.agg.issuer}/token`, '-10s'),
    hs,
    none,
  ]);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const challenge = (v: string) => createHash('sha256').update(v).digest('base64url');

const clientId = () =>
  fc.oneof(
    fc.constant(undefined),
    fc
      .constantFrom(
        () => s.secretApp.id,
        () => s.keyApp.id,
        () => finder.id,
      )
      .map((f) => f()),
    hostileString(),
  );

const redirectUri = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(APP_CALLBACK) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        `${APP_CALLBACK}/`,
        APP_CALLBACK.toUpperCase(),
        `${APP_CALLBACK}?next=http://evil.example`,
        `${APP_CALLBACK}#x`,
        APP_CALLBACK.replace('http://', 'http://user@'),
        APP_CALLBACK.replace('127.0.0.1:3999', 'evil.example'),
        APP_CALLBACK.replace('127.0.0.1:3999', '127.0.0.1:3998'),
        APP_CALLBACK.replace('http:', 'https:'),
        `${APP_CALLBACK}/../elsewhere`,
        '//evil.example/app-callback',
        'javascript:alert(1)',
      ),
    },
    { weight: 1, arbitrary: hostileString() },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });

const authorizeParams = () =>
  fc.record(
    {
      client_id: clientId(),
      redirect_uri: redirectUri(),
      response_type: maybe(fc.constantFrom('code', 'token', 'id_token', 'code id_token', 'none')),
      scope: maybe(
        fc.oneof(
          fc.constant(`openid ${FRAUD} number-verification:verify`),
          fc
            .subarray(['openid', FRAUD, 'dpv:ServiceProvision', 'number-verification:verify'])
            .map((a) => a.join(' ')),
          hostileString(),
        ),
      ),
      state: maybe(hostileString()),
      nonce: maybe(hostileString()),
      code_challenge: maybe(fc.oneof(fc.constant(challenge('v'.repeat(43))), hostileString())),
      code_challenge_method: maybe(fc.constantFrom('S256', 'plain', 's256', '')),
      prompt: maybe(fc.constantFrom('none', 'login', 'consent', 'none login', 'select_account')),
      response_mode: maybe(fc.constantFrom('query', 'fragment', 'form_post', 'jwt', 'web_message')),
      login_hint: maybe(
        fc.oneof(fc.constantFrom('tel:+346001000001', 'ipport:127.10.0.1:1234'), hostileString()),
      ),
      request: maybe(fc.oneof(fc.constant(`${b64({ alg: 'none' })}.${b64({})}.`), hostileString())),
      request_uri: maybe(hostileString()),
      claims: maybe(fc.oneof(fc.json(), hostileString())),
      max_age: maybe(fc.oneof(fc.integer().map(String), hostileString())),
      resource: maybe(hostileString()),
      extra: maybe(hostileString()),
    },
    { requiredKeys: [] },
  );

const query = (params: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();

const browserStep = () =>
  fc.oneof(
    { weight: 6, arbitrary: authorizeParams().map((p) => ({ kind: 'auth', p })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ state: hostileString(), code: hostileString(), error: maybe(hostileString()) })
        .map((p) => ({ kind: 'operator-callback', p })),
    },
    {
      weight: 1,
      arbitrary: fc
        .string({ minLength: 1, maxLength: 40 })
        .filter((uid) => uid !== '.' && uid !== '..')
        .map((uid) => ({ kind: 'resume', p: { uid } as Record<string, string> })),
    },
  );

/** Where a browser may be sent: an interaction's resume URL, or the registered callback with an error. */
function expectSafeRedirect(res: FuzzResponse): 'interaction' | 'error' {
  const to = new URL(String(res.headers.location), s.agg.issuer);
  if (to.origin === new URL(s.agg.issuer).origin && /^\/auth\/[\w-]+$/.test(to.pathname))
    return 'interaction';
  expect(`${to.origin}${to.pathname}`).toBe(APP_CALLBACK);
  const params = new URLSearchParams(to.search || to.hash.slice(1));
  expect(params.get('error')).toEqual(expect.stringMatching(/^[a-z_]+$/));
  expect(params.get('code')).toBeNull();
  return 'error';
}

function expectBrowserAnswer(res: FuzzResponse): 'interaction' | 'error' {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 300 && res.status < 400) return expectSafeRedirect(res);
  expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
  // form_post answers 200 with a form that posts to the redirect URI: only the registered one.
  const action = /<form[^>]*action="([^"]*)"/i.exec(res.text)?.[1];
  if (action !== undefined) expect(action).toBe(APP_CALLBACK);
  else expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.text).toMatch(
    /(invalid|unauthorized|unsupported|access|login|consent|server|temporarily|request)_[a-z_]+|not_found/,
  );
  return 'error';
}

describe('authorization endpoints under hostile parameters', () => {
  const runs = fuzzRuns('authorize, resume and operator-callback parameters');
  it(
    'never 5xx, never redirect anywhere but the registered URI, and a refusal writes nothing',
    async () => {
      let last = await tableFingerprint(s.t.db.knex);
      await fc.assert(
        fc.asyncProperty(browserStep(), fc.boolean(), async (step, post) => {
          let res: FuzzResponse;
          if (step.kind === 'auth' && post) {
            res = await http.send(`${s.agg.publicUrl}/auth`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: query(step.p as Record<string, string>),
            });
            // oidc-provider 9 serves the authorization endpoint on GET only (its default).
            expect(res.status).toBe(404);
            expect(await tableFingerprint(s.t.db.knex)).toEqual(last);
            return;
          } else if (step.kind === 'resume') {
            res = await http.send(
              `${s.agg.publicUrl}/auth/${encodeURIComponent(String((step.p as { uid: string }).uid))}`,
            );
          } else {
            const path = step.kind === 'auth' ? '/auth' : '/operator-callback';
            res = await http.send(`${s.agg.publicUrl}${path}?${query(step.p as never)}`);
          }
          const outcome = expectBrowserAnswer(res);
          const now = await tableFingerprint(s.t.db.knex);
          if (outcome === 'error') expect(now).toEqual(last);
          last = now;
        }),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs),
  );
});

const tokenForm = () =>
  fc.record(
    {
      grant_type: maybe(
        fc.oneof(
          fc.constantFrom(
            'authorization_code',
            'client_credentials',
            'refresh_token',
            'password',
            'urn:ietf:params:oauth:grant-type:device_code',
            'urn:ietf:params:oauth:grant-type:jwt-bearer',
          ),
          hostileString(),
        ),
      ),
      code: maybe(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), hostileString())),
      redirect_uri: redirectUri(),
      code_verifier: maybe(fc.oneof(fc.constant('v'.repeat(43)), hostileString())),
      scope: maybe(fc.oneof(fc.constantFrom('telco-finder', 'openid', FRAUD), hostileString())),
      resource: maybe(hostileString()),
      refresh_token: maybe(hostileString()),
      client_id: clientId(),
      client_secret: maybe(hostileString()),
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

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

const authorization = () =>
  fc.oneof(
    fc.constant(undefined),
    fc
      .constantFrom(
        () => basic(finder.id, finder.secret),
        () => basic(s.secretApp.id, (s.secretApp as { secret: string }).secret),
        () => basic(s.secretApp.id, 'wrong-secret'),
        () => basic(finder.id, `${finder.secret}x`),
        () => 'Basic %%%',
        () => 'Basic ',
        () => `Bearer ${finder.secret}`,
      )
      .map((f) => f()),
    fc.tuple(hostileString(), hostileString()).map(([a, b]) => basic(a, b)),
  );

describe('token endpoint under hostile parameters', () => {
  const runs = fuzzRuns('token endpoint parameters and client authentication');
  it(
    'never 5xx, answers RFC 6749 JSON errors, and writes nothing',
    async () => {
      const before = await tableFingerprint(s.t.db.knex);
      await fc.assert(
        fc.asyncProperty(
          tokenForm(),
          authorization(),
          fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain'),
          async (form, auth, type) => {
            const body = type === 'application/json' ? JSON.stringify(form) : query(form);
            const res = await http.send(`${s.agg.publicUrl}/token`, {
              method: 'POST',
              headers: { 'content-type': type, authorization: auth },
              body,
            });
            if (res.status === 200) {
              // Only a finder client's own credentials get a (client-credentials) token.
              expect(form.grant_type).toBe('client_credentials');
              expect(JSON.parse(res.text)).toMatchObject({ token_type: 'Bearer' });
            } else {
              expectOAuthJsonError(res);
            }
          },
        ),
        fuzzParameters(runs),
      );
      expect(await tableFingerprint(s.t.db.knex)).toEqual(before);
    },
    fuzzTimeout(runs),
  );
});
