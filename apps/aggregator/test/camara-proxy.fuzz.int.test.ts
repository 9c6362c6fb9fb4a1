import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { tableFingerprint, tablesExcept } from '@switchboard/db/test-support';
import {
  contentType,
  createFuzzClient,
  expectCamaraError,
  fuzzParameters,
  fuzzRuns,
  fuzzTimeout,
  headerValue,
  hostileString,
  hostileValue,
  rawBody,
  type FuzzResponse,
} from '@switchboard/test-kit/test-support';
import { FRAUD } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';
import {
  bearerTokenVariant,
  createTokenForge,
  type TokenForge,
} from '../test-support/token-forge.js';

// Hostile input (docs/security.md, "Hostile input"): the CAMARA proxy (seed Annex steps 24–30) under random requests.
// Whatever arrives, the answer is the operator's or a CAMARA error, never a 5xx, and
// nothing but the usage meter (which records every call made with a verified token) and the
// single-use record of the one token (NV 2.1: its first call that reaches the operator spends it) writes.
const ALL_SCOPES =
  'openid number-verification:verify number-verification:device-phone-number:read ' +
  'number-verification-verify-read number-verification-share-read';
const DEVICE = '127.10.0.77';
const NUMBER = '+346001000077';
const VERIFY = '/number-verification/v2/verify';

let s: CoreStack;
let token: string;
let forge: TokenForge;
const http = createFuzzClient();

beforeAll(async () => {
  // Thousands of requests from one address: the rate limits (tested on their own) stay out of it.
  s = await startCoreStack({ RATE_LIMIT_ENABLED: 'false' });
  const { req, params } = await s.authorize(DEVICE, s.secretApp, {
    prompt: 'none',
    scope: `${ALL_SCOPES} ${FRAUD}`,
  });
  const issued = await s.tokenFor(s.secretApp, params!.get('code')!, req.verifier);
  expect(issued.status).toBe(200);
  token = String(issued.body.access_token);
  forge = await createTokenForge(s.agg, issued.claims!);
}, 60_000);
afterAll(async () => {
  await http.close();
  await s.stop();
});

const phoneNumber = () =>
  fc.oneof(
    fc.constant(NUMBER),
    fc.constant(NUMBER.slice(1)),
    fc.stringMatching(/^\+[1-9][0-9]{4,14}$/),
    hostileString(),
  );

/** NV bodies: near-valid shapes with hostile fields, or any JSON at all. */
const nvBody = () =>
  fc.oneof(
    fc.record(
      { phoneNumber: phoneNumber(), hashedPhoneNumber: fc.string(), extra: hostileValue() },
      { requiredKeys: [] },
    ),
    fc.record({ phoneNumber: hostileValue() }),
    fc.record({
      hashedPhoneNumber: fc.oneof(
        fc.constant(createHash('sha256').update(NUMBER).digest('hex')),
        fc.stringMatching(/^[a-fA-F0-9]{64}$/),
        hostileString(),
      ),
    }),
    hostileValue(),
  );

const PATHS = [
  VERIFY,
  '/number-verification/v0/verify',
  '/number-verification/v2/device-phone-number',
  '/number-verification/v0/device-phone-number',
  '/number-verification/v2/verify/',
  '/number-verification/v2/VERIFY',
  '/number-verification/v2/verify/..%2f..%2fadmin',
  '/number-verification/v2/%2e%2e/v0/verify',
  '/number-verification/v3/verify',
  '/number-verification/v2/',
];

const proxyRequest = () =>
  fc.record({
    path: fc.constantFrom(...PATHS),
    query: fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 30 }).map((q) => `?${encodeURIComponent(q)}`),
    ),
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'GET', 'PUT', 'DELETE', 'PATCH'),
    body: rawBody(nvBody()),
    contentType: contentType(),
    correlator: fc.option(
      fc.oneof(fc.stringMatching(/^[a-zA-Z0-9-_:;./<>{}]{0,256}$/), headerValue()),
    ),
    accept: fc.option(fc.constantFrom('application/json', '*/*', 'text/html', 'image/png')),
    extraHeader: fc.option(
      fc.oneof(
        fc.tuple(fc.constantFrom('x-forwarded-for', 'forwarded', 'cookie'), headerValue()),
        // undici itself refuses to send a Host it cannot parse; any parsable one will do.
        fc.tuple(fc.constant('host'), fc.stringMatching(/^[a-z0-9.-]{1,30}(:[0-9]{1,5})?$/)),
      ),
    ),
  });

const usageRows = async () =>
  Number((await s.t.db.knex('usage_events').count({ n: '*' }).first())?.n);

/** A 2xx is the operator's NV answer; anything else a CAMARA error body. */
function expectNvAnswer(res: FuzzResponse, sentCorrelator: string | null): void {
  if (res.status < 300) {
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(
      typeof body.devicePhoneNumberVerified === 'boolean' ||
        typeof body.devicePhoneNumber === 'string',
    ).toBe(true);
  } else {
    expectCamaraError(res);
  }
  const valid = sentCorrelator !== null && /^[a-zA-Z0-9-_:;./<>{}]{1,256}$/.test(sentCorrelator);
  if (valid) expect(res.headers['x-correlator']).toBe(sentCorrelator);
}

describe('CAMARA proxy under hostile input', () => {
  const bodyRuns = fuzzRuns('CAMARA proxy bodies, paths and headers');
  it(
    'never answers 5xx, always a CAMARA body, and writes nothing but usage records and the token use',
    async () => {
      const tables = tablesExcept('usage_events', 'access_token_uses');
      const before = await tableFingerprint(s.t.db.knex, tables);
      await fc.assert(
        fc.asyncProperty(proxyRequest(), async (r) => {
          const headers: Record<string, string | undefined> = {
            authorization: `Bearer ${token}`,
            'content-type': r.contentType,
            'x-correlator': r.correlator ?? undefined,
            accept: r.accept ?? undefined,
          };
          if (r.extraHeader) headers[r.extraHeader[0]] = r.extraHeader[1] || 'x';
          const sendsBody = r.method !== 'GET' && r.method !== 'DELETE';
          const res = await http.send(`${s.agg.publicUrl}${r.path}${r.query}`, {
            method: r.method,
            headers,
            body: sendsBody ? r.body : undefined,
          });
          expectNvAnswer(res, r.correlator);
        }),
        fuzzParameters(bodyRuns),
      );
      expect(await tableFingerprint(s.t.db.knex, tables)).toEqual(before);
      const uses = await s.t.db.knex('access_token_uses').count({ n: '*' }).first();
      expect(Number(uses?.n)).toBeLessThanOrEqual(1);
    },
    fuzzTimeout(bodyRuns),
  );

  const tokenRuns = fuzzRuns('CAMARA proxy bearer tokens');
  it(
    'refuses every forged, damaged or foreign token with 401 and meters none of them',
    async () => {
      await s.agg.flushUsage();
      const tables = tablesExcept('usage_events');
      const before = await tableFingerprint(s.t.db.knex, tables);
      const metered = await usageRows();
      let genuine = 0;
      await fc.assert(
        fc.asyncProperty(
          bearerTokenVariant(() => token, forge),
          async (variant) => {
            if (variant.genuine) genuine += 1;
            const res = await http.send(`${s.agg.publicUrl}${VERIFY}`, {
              method: 'POST',
              headers: { authorization: variant.header, 'content-type': 'application/json' },
              body: JSON.stringify({ phoneNumber: NUMBER }),
            });
            expectCamaraError(res);
            expect(`${res.status} ${variant.kind}`).toBe(`401 ${variant.kind}`);
          },
        ),
        fuzzParameters(tokenRuns),
      );
      await s.agg.flushUsage();
      expect(await tableFingerprint(s.t.db.knex, tables)).toEqual(before);
      // Only calls with a token this deployment minted are metered, refused or not.
      expect(await usageRows()).toBe(metered + genuine);
    },
    fuzzTimeout(tokenRuns),
  );
});
