import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { tableFingerprint, tablesExcept } from '@switchboard/db/test-support';
import {
  contentType,
  createFuzzClient,
  fuzzParameters,
  fuzzRuns,
  fuzzTimeout,
  hostileString,
  hostileValue,
  rawBody,
  type FuzzResponse,
} from '@switchboard/test-kit/test-support';
import { startTestAggregator } from '../../test-support/core-fixture.js';
import type { Aggregator } from '../app.js';

// Hostile input (docs/security.md, "Hostile input"): every admin API endpoint with random bodies, ids and queries.
// Never a 5xx; an error is `{status, code, message[, details]}`; a refused call writes nothing.
let t: TestDatabase;
let agg: Aggregator;
const adminToken = `sbadm_${randomBytes(24).toString('base64url')}`;
const http = createFuzzClient();
const ADMIN = { kind: 'admin', id: 'test' } as const;

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db, undefined, { SWITCHBOARD_ADMIN_TOKEN: adminToken });
  await agg.operators.create(
    {
      id: 'op-a',
      name: 'Op A',
      country: 'ES',
      issuerUrl: 'https://op-a.example',
      apiRoot: 'https://api.op-a.example',
      clientId: 'switchboard',
      credentials: { method: 'client_secret_basic', clientSecret: 'op-a-secret-value' },
    },
    ADMIN,
  );
  await agg.routes.addRanges('op-a', ['10.0.0.0/8'], {}, ADMIN);
}, 60_000);
afterAll(async () => {
  await http.close();
  await agg.stop();
  await t.destroy();
});

const id = () =>
  fc.oneof(
    fc.constantFrom('op-a', 'nobody', '..', '%2e%2e', '\u0000', 'op-a\u0000'),
    hostileString().filter(Boolean),
  );
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const url = () =>
  fc.oneof(
    fc.constantFrom(
      'https://op-b.example',
      'http://127.0.0.1:4001',
      'https://user:pw@op.example',
      'https://op.example/?q=1',
      'https://op.example/#f',
      'file:///etc/passwd',
      'gopher://127.0.0.1:25',
    ),
    hostileString(),
  );

/** Android carrier ids (issue 14): in range, at its edges, beyond, repeated, too many, or anything. */
const carrierIds = () =>
  fc.oneof(
    fc.array(
      fc.oneof(
        fc.integer({ min: -2, max: 2 ** 31 + 1 }),
        fc.constantFrom(0, 1, 90001, 2 ** 31 - 1, 2 ** 31, 1.5, Number.MAX_SAFE_INTEGER + 2),
      ),
      { maxLength: 66 },
    ),
    hostileValue(),
  );

/** Web origins an operator token may name: good, near-good (path, http, upper case), or hostile. */
const origins = () =>
  fc.oneof(
    fc.array(
      fc.oneof(
        fc.constantFrom(
          'https://shop.example',
          'HTTPS://Shop.Example:443',
          'http://localhost:5173',
          'http://[::1]',
          'http://shop.example',
          'https://shop.example/',
          'https://bücher.example',
          'https://shop.example:0',
        ),
        url(),
      ),
      { maxLength: 22 },
    ),
    hostileValue(),
  );

const apkKeyHashes = () =>
  fc.oneof(
    fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), hostileString()), {
      maxLength: 3,
    }),
    hostileValue(),
  );

/** Near-valid operator bodies (the fields the schema knows, hostile values) or any JSON. */
const operatorBody = () =>
  fc.oneof(
    fc.record(
      {
        id: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}$/), hostileString()),
        name: maybe(hostileString()),
        country: maybe(fc.oneof(fc.constantFrom('ES', 'de', 'XXX'), hostileString())),
        issuerUrl: maybe(url()),
        apiRoot: maybe(url()),
        clientId: maybe(hostileString()),
        credentials: maybe(
          fc.oneof(
            fc.record({
              method: fc.constantFrom('client_secret_basic', 'private_key_jwt', 'none'),
              clientSecret: hostileValue(),
              privateJwk: hostileValue(),
            }),
            hostileValue(),
          ),
        ),
        scopeStyle: maybe(fc.oneof(fc.constantFrom('camara', 'dpv-hash'), hostileString())),
        allowInsecureHttp: maybe(hostileValue()),
        routingUrl: maybe(fc.oneof(url(), fc.constant(null))),
        supportedApis: maybe(hostileValue()),
        status: maybe(hostileValue()),
        carrierIds: maybe(carrierIds()),
        operatorToken: maybe(fc.oneof(fc.boolean(), hostileValue())),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const routeBody = (field: string, value: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.record(
      {
        operatorId: fc.oneof(fc.constantFrom('op-a', 'nobody'), hostileValue()),
        [field]: fc.oneof(
          fc.array(fc.oneof(value, hostileString()), { maxLength: 5 }),
          hostileValue(),
        ),
        allowOverlap: fc.oneof(fc.boolean(), hostileValue()),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const clientBody = () =>
  fc.oneof(
    fc.record(
      {
        name: hostileValue(),
        grantType: fc.oneof(
          fc.constantFrom('authorization_code', 'client_credentials', 'backend'),
          hostileValue(),
        ),
        redirectUris: fc.oneof(fc.array(url(), { maxLength: 3 }), hostileValue()),
        authMethod: fc.oneof(
          fc.constantFrom('private_key_jwt', 'client_secret_basic'),
          hostileValue(),
        ),
        jwks: hostileValue(),
        generateKey: hostileValue(),
        allowedScopes: fc.oneof(
          fc.subarray([
            'number-verification:verify',
            'number-verification:device-phone-number:read',
            'number-verification-verify-read',
            'number-verification-share-read',
          ]),
          fc.array(hostileString(), { maxLength: 3 }),
          hostileValue(),
        ),
        allowedOrigins: origins(),
        apkKeyHashes: apkKeyHashes(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const credentialsBody = () =>
  fc.oneof(
    fc.record(
      {
        name: hostileValue(),
        generateKey: fc.oneof(fc.boolean(), hostileValue()),
        jwks: fc.oneof(
          fc.constantFrom({ keys: [] }, { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }),
          hostileValue(),
        ),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const overlapBody = () =>
  fc.oneof(
    fc.record(
      {
        operatorId: fc.oneof(fc.constantFrom('op-a', 'nobody'), hostileValue()),
        values: fc.oneof(
          fc.array(
            fc.oneof(
              fc.constantFrom('11.0.0.0/8', '+3460', '10.1.0.0/16', '::/0'),
              hostileString(),
            ),
            { maxLength: 4 },
          ),
          hostileValue(),
        ),
        note: fc.oneof(hostileValue(), fc.constant('MVNO\u0000')),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const timeText = () =>
  fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2026-12-01', '-271821-04-20', '+275760-09-13', '0000-01-01', ''),
    hostileString(),
  );

const enc = encodeURIComponent;
const call = (method: string, p: string, body?: fc.Arbitrary<unknown>) =>
  (body ? rawBody(body) : fc.constant(undefined)).map((b) => ({ method, path: p, body: b }));
const withId = (method: string, make: (i: string) => string, body?: fc.Arbitrary<unknown>) =>
  id().chain((i) => call(method, make(enc(i)), body));

const adminCall = () =>
  fc.oneof(
    call('POST', '/operators', operatorBody()),
    withId('PATCH', (i) => `/operators/${i}`, operatorBody()),
    withId('GET', (i) => `/operators/${i}`),
    withId('POST', (i) => `/operators/${i}/${i === 'op-a' ? 'enable' : 'disable'}`),
    id()
      .filter((i) => i !== 'op-a')
      .chain((i) => call('DELETE', `/operators/${enc(i)}?force=true`)),
    call(
      'POST',
      '/ranges',
      routeBody('cidrs', fc.constantFrom('11.0.0.0/8', '::/0', '10.1.0.0/16')),
    ),
    call('POST', '/ranges/remove', routeBody('cidrs', fc.constantFrom('12.0.0.0/8', '10.0.0.0/8'))),
    call('POST', '/prefixes', routeBody('prefixes', fc.stringMatching(/^\+[0-9]{1,8}$/))),
    call('POST', '/prefixes/remove', routeBody('prefixes', fc.constant('+999'))),
    call('POST', '/networks', routeBody('networks', fc.stringMatching(/^[0-9]{5,6}$/))),
    call('POST', '/networks/remove', routeBody('networks', fc.constant('99999'))),
    fc
      .tuple(fc.constantFrom('ranges', 'prefixes'), fc.array(hostileString(), { maxLength: 6 }))
      .map(([kind, lines]) => ({
        method: 'POST',
        path: `/${kind}/import`,
        body: Buffer.from(lines.join('\n')),
      })),
    fc
      .tuple(fc.constantFrom('ip', 'phoneNumber'), hostileString())
      .chain(([k, v]) => call('GET', `/lookup?${k}=${enc(v)}`)),
    call('POST', '/clients', clientBody()),
    withId('PATCH', (i) => `/clients/${i}`, clientBody()),
    withId('POST', (i) => `/clients/${i}/rotate-secret`),
    withId('DELETE', (i) => `/clients/${i}`),
    withId('POST', (i) => `/keys/${i}/retire`),
    fc
      .tuple(hostileString(), hostileString())
      .chain(([from, to]) => call('GET', `/usage?from=${enc(from)}&to=${enc(to)}`)),
    withId('POST', (i) => `/operators/${i}/credentials`, credentialsBody()),
    withId('GET', (i) => `/operators/${i}/credentials`),
    withId('POST', (i) => `/operators/${i}/routing-sync`),
    fc.oneof(id(), fc.constant('')).chain((i) => call('GET', `/overlaps?operator=${enc(i)}`)),
    call('POST', '/overlaps', overlapBody()),
    call('POST', '/overlaps/revoke', overlapBody()),
    fc
      .record({ operator: id(), since: timeText(), limit: fc.oneof(fc.integer(), hostileString()) })
      .map((q) => new URLSearchParams({ ...q, limit: String(q.limit) }))
      .chain((q) => call('GET', `/audit?${q}`)),
    call(
      'POST',
      '/keys/rotate-master',
      fc.oneof(fc.record({ batchSize: hostileValue() }), hostileValue()),
    ),
    call(
      'POST',
      '/keys/openid4vp/rotate',
      fc.oneof(fc.record({ root: hostileValue() }), hostileValue()),
    ),
  );

/** A routing sync may fail upstream: the operator's routing URL is whatever PATCH set. */
const isSync = (path: string) => path.endsWith('/routing-sync');

function expectAdminAnswer(res: FuzzResponse, path: string): boolean {
  if (isSync(path) && res.status === 502)
    expect(JSON.parse(res.text)).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
  else expect(res.status).toBeLessThan(500);
  if (res.status < 300) return true;
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body).toMatchObject({
    status: res.status,
    code: expect.stringMatching(/^[A-Z_]+$/),
    message: expect.any(String),
  });
  return false;
}

describe('admin API under hostile input', () => {
  const runs = fuzzRuns('admin API bodies, ids and queries');
  it(
    'never 5xx, always a clear error body, and a refused call writes nothing',
    async () => {
      // The admin token's last-use stamp is refreshed by design on any authenticated call;
      // a failed routing sync records its failure (routing_sync_state) and nothing else.
      const tables = tablesExcept('admin_tokens', 'routing_sync_state');
      let last = await tableFingerprint(t.db.knex, tables);
      await fc.assert(
        fc.asyncProperty(adminCall(), contentType(), async (c, type) => {
          const res = await http.send(`${agg.adminUrl}/admin/v1${c.path}`, {
            method: c.method,
            headers: {
              authorization: `Bearer ${adminToken}`,
              'content-type': c.path.endsWith('/import') ? (type ?? 'text/csv') : type,
            },
            body: c.body,
          });
          const accepted = expectAdminAnswer(res, c.path);
          const now = await tableFingerprint(t.db.knex, tables);
          if (!accepted) expect(now).toEqual(last);
          last = now;
        }),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs),
  );
});
