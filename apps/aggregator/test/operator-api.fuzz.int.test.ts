import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EncryptJWT, type JWTPayload } from 'jose';
import type { Knex } from 'knex';
import { aggregatorTokenAudience } from '@switchboard/tokens';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { tableFingerprint } from '@switchboard/db/test-support';
import {
  contentType,
  createFuzzClient,
  expectCamaraError,
  fuzzParameters,
  fuzzRuns,
  fuzzTimeout,
  hostileString,
  hostileValue,
  rawBody,
} from '@switchboard/test-kit/test-support';
import { ipv4Cidr, ipv6Cidr, msisdnPrefix, network } from '@switchboard/telco-finder/test-support';
import { operatorInput } from '@switchboard/telco-finder/test-support';
import type { Aggregator } from '../src/app.js';
import { operatorApiAudience } from '../src/operator-api/operator-api-scope.js';
import {
  finderToken,
  registerApp,
  registerFinderClient,
  startTestAggregator,
} from '../test-support/core-fixture.js';
import { operatorClient, operatorToken } from '../test-support/operator-client.js';
import {
  bearerTokenVariant,
  createTokenForge,
  type TokenVariant,
} from '../test-support/token-forge.js';

// Hostile input (docs/security.md, "Hostile input"): the operator self-service API (/operators/v1) with random paths,
// bodies, queries and bearer tokens (the other operator's, a finder's, an app's, forged ones).
// Never a 5xx, always a CAMARA body; a refused request writes nothing, and an operator's
// data changes only through its own operator's token.
const ADMIN = { kind: 'admin', id: 'test' } as const;
const OPS = ['op-a', 'op-b'] as const;
type Op = (typeof OPS)[number];
let t: TestDatabase;
let agg: Aggregator;
let tokens: Record<Op, string>;
let bearers: TokenVariant[];
const http = createFuzzClient();

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db, undefined, {
    ROUTING_SYNC_INTERVAL_SECONDS: '0',
    RATE_LIMIT_ENABLED: 'false',
  });
  for (const [id, ranges] of [
    ['op-a', ['88.0.0.0/11']],
    ['op-b', ['90.0.0.0/8', '2a02:9000::/23']],
  ] as const) {
    await agg.operators.create(operatorInput(id), ADMIN);
    // Seeded by an admin: a /8 is broader than an operator may claim itself.
    await agg.routes.addRanges(id, [...ranges], {}, ADMIN);
    await agg.routes.addPrefixes(id, [id === 'op-a' ? '+3460' : '+3470'], {}, ADMIN);
  }
  const clientA = await operatorClient(agg, 'op-a');
  const clientB = await operatorClient(agg, 'op-b');
  tokens = { 'op-a': await operatorToken(agg, clientA), 'op-b': await operatorToken(agg, clientB) };
  bearers = await wrongTokens({ a: clientA.id, b: clientB.id });
}, 60_000);
afterAll(async () => {
  await http.close();
  await agg.stop();
  await t.destroy();
});

/** Tokens no operator may act with here, each minted by this deployment or a real client. */
async function wrongTokens(ids: { a: string; b: string }): Promise<TokenVariant[]> {
  const ring = await agg.keys.tokenKeyring();
  const now = Math.floor(Date.now() / 1000);
  const mint = async (kind: string, patch: JWTPayload) => ({
    kind,
    header: `Bearer ${await new EncryptJWT({
      client_id: ids.a,
      scope: 'operator:manage',
      operator_id: 'op-a',
      ...patch,
    })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: ring.current.kid })
      .setIssuer(agg.issuer)
      .setAudience(operatorApiAudience(agg.issuer))
      .setIssuedAt(now)
      .setExpirationTime(patch.exp ?? now + 300)
      .encrypt(ring.current.secret)}`,
  });
  const app = await registerApp(agg, 'secret');
  const finderBearer = await finderToken(agg.publicUrl, await registerFinderClient(agg));
  // An app's AggregatorAccessToken for op-a, and every forgery of one (token-forge.ts).
  const appTokens = await createTokenForge(agg, {
    iss: agg.issuer,
    aud: aggregatorTokenAudience(agg.issuer),
    iat: now,
    exp: now + 300,
    jti: 'fuzz',
    client_id: app.id,
    scope: 'openid number-verification:verify operator:manage',
    sub: 'pairwise-subject',
    operator_id: 'op-a',
    api_root: 'https://op-a.example/api',
    operator_access_token: 'operator-token',
  });
  return Promise.all([
    ...appTokens.forged,
    { kind: 'finder token', header: `Bearer ${finderBearer}` },
    { kind: 'admin token', header: 'Bearer sbadm_not-for-operators' },
    mint("B's client claiming op-a", { client_id: ids.b }),
    mint('an app client claiming op-a', { client_id: app.id }),
    mint('no operator claim', { operator_id: undefined }),
    mint('no operator:manage scope', { scope: 'telco-finder' }),
    mint('expired', { exp: now - 1 }),
    mint('unknown client', { client_id: 'nobody' }),
  ]);
}

const routeValues = () =>
  fc.array(
    fc.oneof(
      ipv4Cidr(),
      ipv6Cidr(),
      msisdnPrefix(),
      network(),
      // The other operator's, and special-purpose ones (refused outside development).
      fc.constantFrom('88.0.0.0/11', '88.1.0.0/16', '90.0.0.0/8', '+3470', '10.0.0.0/8', '::1/128'),
      hostileString(),
    ),
    { maxLength: 5 },
  );

const cleanList = (a: fc.Arbitrary<string>) => fc.array(a, { maxLength: 3 });
/** Well-formed sets, so that owners' calls get through (and may still conflict). */
const cleanRouteSet = () =>
  fc.record(
    {
      ranges: cleanList(fc.oneof(ipv4Cidr(), ipv6Cidr())),
      prefixes: cleanList(msisdnPrefix()),
      networks: cleanList(network()),
    },
    { requiredKeys: [] },
  );

const routeSet = () =>
  fc.oneof(
    { weight: 2, arbitrary: cleanRouteSet() },
    fc.record(
      {
        ranges: fc.oneof(routeValues(), hostileValue()),
        prefixes: fc.oneof(routeValues(), hostileValue()),
        networks: fc.oneof(routeValues(), hostileValue()),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const https = () =>
  fc.oneof(
    fc.constantFrom(
      'https://op-b.example/auth',
      'https://127.0.0.1:4901',
      'https://169.254.169.254/latest',
      'https://auth.invalid',
      'https://user:pw@x.example',
      'https://x.example/?q=1',
      'https:garbage',
      'http://api.op-a.example',
    ),
    hostileString().map((s) => `https://${s}`),
    hostileString(),
  );

const cleanProfilePatch = () =>
  fc.record(
    {
      name: fc.string({ minLength: 1, maxLength: 40 }).filter((n) => n.trim() !== ''),
      scopeStyle: fc.constantFrom('camara', 'dpv-hash'),
      supportedApis: fc.constantFrom([], [{ name: 'number-verification', versions: ['v2'] }]),
      clientId: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
      credentials: fc.record({
        method: fc.constant('client_secret_basic'),
        clientSecret: fc.string({ minLength: 8, maxLength: 40 }),
      }),
      routingUrl: fc.constant(null),
      apiRoot: fc.constantFrom('https://op-a.example/api', 'https://op-a.example/api/v2'),
      // Issue 14: an operator's own Android carrier ids and operator-token switch.
      carrierIds: fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { maxLength: 4 }),
      operatorToken: fc.boolean(),
    },
    { requiredKeys: [] },
  );

const profilePatch = () =>
  fc.oneof(
    { weight: 2, arbitrary: cleanProfilePatch() },
    fc.record(
      {
        name: hostileValue(),
        issuerUrl: https(),
        apiRoot: https(),
        routingUrl: fc.oneof(https(), fc.constant(null)),
        scopeStyle: fc.oneof(fc.constantFrom('camara', 'dpv-hash'), hostileValue()),
        supportedApis: fc.oneof(
          fc.array(fc.record({ name: hostileValue(), versions: hostileValue() }), { maxLength: 2 }),
          hostileValue(),
        ),
        clientId: hostileValue(),
        credentials: fc.oneof(
          fc.record({
            method: fc.constantFrom('client_secret_basic', 'private_key_jwt', 'none'),
            clientSecret: hostileValue(),
            privateJwk: hostileValue(),
          }),
          hostileValue(),
        ),
        carrierIds: fc.oneof(
          fc.array(fc.oneof(fc.integer({ min: -1, max: 2 ** 31 }), fc.constant(1.5)), {
            maxLength: 66,
          }),
          hostileValue(),
        ),
        operatorToken: fc.oneof(fc.boolean(), hostileValue()),
        // Admin-only fields an operator must not set.
        id: fc.constantFrom('op-b', 'op-x'),
        status: fc.constantFrom('disabled', 'active'),
        allowInsecureHttp: fc.boolean(),
        country: fc.constantFrom('DE', 'XX'),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const target = () =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...OPS) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'nobody',
        'OP-A',
        'op-a%20',
        '..',
        '%00',
        '',
        'op-a%2F..%2Fop-b',
        'op-b%3F',
      ),
    },
    { weight: 1, arbitrary: hostileString().map(encodeURIComponent) },
  );

const query = () =>
  fc.oneof(
    fc.constant(''),
    fc
      .record(
        { since: hostileString(), limit: fc.oneof(fc.integer(), hostileString()) },
        {
          requiredKeys: [],
        },
      )
      .map((q) => `?${new URLSearchParams(q as Record<string, string>)}`),
    fc.constantFrom('?since=2026-01-01', '?limit=1', '?since=-271821-04-20', '?since=%00'),
  );

const call = () =>
  fc.oneof(
    fc.record({
      method: fc.constantFrom('GET', 'PATCH'),
      suffix: fc.constant(''),
      body: rawBody(profilePatch()),
    }),
    fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
      suffix: fc.constantFrom('/routes', '/routes/remove'),
      body: rawBody(routeSet()),
    }),
    fc.record({
      method: fc.constant('GET'),
      suffix: query().map((q) => `/audit${q}`),
      body: fc.constant(undefined),
    }),
    fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS'),
      suffix: fc.oneof(
        fc.constantFrom('/', '/x', '/routes/x', '/audit/1', '/..'),
        hostileString().map((s) => `/${encodeURIComponent(s)}`),
      ),
      body: rawBody(hostileValue()),
    }),
  );

/** Who calls: mostly op-a's own token, then op-b's, then every kind of wrong one. */
type Who = Op | TokenVariant;
const caller = (): fc.Arbitrary<Who> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant<Who>('op-a') },
    { weight: 2, arbitrary: fc.constant<Who>('op-b') },
    { weight: 1, arbitrary: fc.constantFrom(...bearers) },
    {
      weight: 1,
      arbitrary: bearerTokenVariant(() => tokens['op-a'], { forged: bearers }),
    },
  );

const json = () =>
  fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, contentType());

/** Half of the calls are an operator's own (so they go through); the rest anyone's. */
const request = () =>
  fc.oneof(
    fc
      .record({ c: call(), op: fc.constantFrom(...OPS), type: json() })
      .map((r) => ({ ...r, who: r.op as Who })),
    fc.record({ c: call(), op: target(), who: caller(), type: contentType() }),
  );

/** Everything that belongs to one operator: its row, routes, approvals and API clients. */
async function operatorData(knex: Knex, id: Op): Promise<string> {
  const rows = await Promise.all([
    knex('operators').where({ id }).first(),
    ...['ip_ranges', 'msisdn_prefixes', 'networks', 'overlap_approvals', 'clients'].map((table) =>
      knex(table).where({ operator_id: id }).orderBy('id'),
    ),
  ]);
  return JSON.stringify(rows);
}

/** Well-formed calls of each operator on its own data, which write. */
const OWN_WRITES = OPS.map((op, i) => [
  {
    op,
    who: op as Who,
    type: 'application/json',
    c: {
      method: 'POST',
      suffix: '/routes',
      body: JSON.stringify({ ranges: [`93.${i}.0.0/16`], prefixes: [`+4930${i}`] }),
    },
  },
]);

describe('operator API under hostile input', () => {
  const runs = fuzzRuns('operator API paths, bodies and tokens');
  it(
    "never 5xx, CAMARA errors, no write when refused, and no change to another operator's data",
    async () => {
      let last = await tableFingerprint(t.db.knex);
      const tally = { refused: 0, read: 0, written: 0 };
      const data = {
        'op-a': await operatorData(t.db.knex, 'op-a'),
        'op-b': await operatorData(t.db.knex, 'op-b'),
      };
      await fc.assert(
        fc.asyncProperty(request(), async ({ c, op, who, type }) => {
          const authorization =
            typeof who === 'string' ? `Bearer ${tokens[who as Op]}` : who.header;
          const url = `${agg.publicUrl}/operators/v1/operators/${op}${c.suffix}`;
          // `../..` resolves out of the operator API: another surface, fuzzed elsewhere.
          fc.pre(new URL(url).pathname.startsWith('/operators/v1'));
          const res = await http.send(url, {
            method: c.method,
            headers: { authorization, 'content-type': type },
            body: c.body,
          });
          if (res.status >= 300) expectCamaraError(res);
          else expect(typeof who === 'string' && who === op).toBe(true);
          const now = await tableFingerprint(t.db.knex);
          if (res.status >= 300) expect(now).toEqual(last);
          const wrote = JSON.stringify(now) !== JSON.stringify(last);
          tally[res.status >= 300 ? 'refused' : wrote ? 'written' : 'read']++;
          last = now;
          for (const id of OPS) {
            const current = await operatorData(t.db.knex, id);
            if (who !== id || res.status >= 300) expect(current).toEqual(data[id]);
            data[id] = current;
          }
        }),
        {
          ...fuzzParameters(runs),
          // Isolation is checked on writes: whatever the seed, some owner's calls write.
          examples: OWN_WRITES,
        },
      );
      process.stdout.write(`fuzz operator API: ${JSON.stringify(tally)}\n`);
      // Isolation is tested only if the owners' own calls went through, some of them writing.
      expect(tally.written).toBeGreaterThan(0);
    },
    fuzzTimeout(runs, 60),
  );
});
