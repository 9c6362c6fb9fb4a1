import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { tableFingerprint } from '@switchboard/db/test-support';
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
} from '@switchboard/test-kit/test-support';
import type { Aggregator } from '../src/app.js';
import {
  finderToken,
  registerFinderClient,
  registerOperators,
  startTestAggregator,
} from '../test-support/core-fixture.js';

// Hostile input (docs/security.md, "Hostile input"): the GSMA OPG.10 telco finder search with random targets, bodies
// and bearer headers. Never a 5xx, always a CAMARA body, and a search never writes.
const ADMIN = { kind: 'admin', id: 'test' } as const;
let t: TestDatabase;
let agg: Aggregator;
let token: string;
const http = createFuzzClient();

beforeAll(async () => {
  t = await createTestDatabase();
  // Thousands of requests from one address: the rate limits (tested on their own) stay out of it.
  agg = await startTestAggregator(t.db, undefined, { RATE_LIMIT_ENABLED: 'false' });
  await registerOperators(agg, 'http://sandbox-a.test', 'http://sandbox-b.test');
  await agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
  await agg.routes.addRanges('sandbox-b', ['2001:db8::/32', '10.0.0.0/8'], {}, ADMIN);
  await agg.index.refresh();
  token = await finderToken(agg.publicUrl, await registerFinderClient(agg));
}, 60_000);
afterAll(async () => {
  await http.close();
  await agg.stop();
  await t.destroy();
});

const address = () =>
  fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('10.1.2.3', '::ffff:10.1.2.3'), hostileString());

const target = () =>
  fc.oneof(
    fc.record({
      phoneNumber: fc.oneof(
        fc.constant('+34600000001'),
        fc.stringMatching(/^\+[1-9][0-9]{4,14}$/),
        hostileString(),
      ),
    }),
    fc.record({
      ipv4Address: fc.oneof(
        fc.record(
          { publicAddress: address(), publicPort: fc.oneof(fc.integer(), hostileValue()) },
          { requiredKeys: ['publicAddress'] },
        ),
        hostileValue(),
      ),
    }),
    fc.record({ ipv6Address: fc.oneof(address(), hostileValue()) }),
    fc.dictionary(
      fc.constantFrom('phoneNumber', 'ipv4Address', 'ipv6Address', 'x'),
      hostileValue(),
    ),
    hostileValue(),
  );

const searchBody = () =>
  fc.oneof(
    fc.record(
      {
        target: target(),
        includeApiRoot: fc.oneof(fc.boolean(), hostileValue()),
        includeAuthProviderConfiguration: fc.oneof(fc.boolean(), hostileValue()),
        extra: hostileValue(),
      },
      { requiredKeys: ['target'] },
    ),
    hostileValue(),
  );

const bearer = () =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: headerValue() },
    {
      weight: 1,
      arbitrary: fc.nat().map((n) => `Bearer ${token.slice(0, n % token.length)}`),
    },
  );

describe('telco finder search under hostile input', () => {
  const runs = fuzzRuns('telco finder search targets');
  it(
    'never 5xx, answers an operator or a CAMARA error, and writes nothing',
    async () => {
      const before = await tableFingerprint(t.db.knex);
      await fc.assert(
        fc.asyncProperty(
          rawBody(searchBody()),
          contentType(),
          bearer(),
          fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
          async (body, type, auth, method) => {
            const res = await http.send(`${agg.publicUrl}/telco-finder/v1/search`, {
              method,
              headers: { 'content-type': type, authorization: auth ?? `Bearer ${token}` },
              body: method === 'GET' ? undefined : body,
            });
            if (res.status === 200) {
              const found = JSON.parse(res.text) as Record<string, unknown>;
              expect(found.operatorId).toEqual(expect.stringMatching(/^sandbox-[ab]$/));
            } else {
              expectCamaraError(res);
            }
          },
        ),
        fuzzParameters(runs),
      );
      expect(await tableFingerprint(t.db.knex)).toEqual(before);
    },
    fuzzTimeout(runs),
  );
});
