import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { storableText } from '@switchboard/db';
import type { RouteKind } from '@switchboard/contracts';
import { parseCidr, parseMsisdnPrefix } from '@switchboard/telco-finder/test-support';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { tableFingerprint, tablesExcept } from '@switchboard/db/test-support';
import {
  createFuzzClient,
  fuzzParameters,
  fuzzRuns,
  fuzzTimeout,
  hostileString,
} from '@switchboard/test-kit/test-support';
import {
  routingTableCase,
  tooBroadClaim,
  type TableCase,
} from '@switchboard/telco-finder/test-support';
import { operatorInput } from '@switchboard/telco-finder/test-support';
import type { Aggregator } from '../src/app.js';
import { startTestAggregator } from '../test-support/core-fixture.js';
import {
  routingTable,
  startFakeRoutingServer,
  type FakeRoutingServer,
} from '../test-support/fake-routing-server.js';

// Hostile input (docs/security.md, "Hostile input"): whatever an operator's GSMA routing endpoint answers (garbage JSON,
// wrong shapes, huge tables, bad CIDRs, other operators' ids or routes, HTTP errors), a sync
// through the admin API never fails with a 500, and a refused table writes nothing but the
// failure record: the last good routes stay in force, and no other operator is touched.
const ADMIN = { kind: 'admin', id: 'test' } as const;
const adminToken = `sbadm_${randomBytes(24).toString('base64url')}`;
let t: TestDatabase;
let agg: Aggregator;
let fake: FakeRoutingServer;
const http = createFuzzClient();

// Held by op-b: a table of op-p claiming one of them is a conflict.
const OP_B = { ranges: ['88.0.0.0/10'], prefixes: ['3460'], networks: ['21407'] };

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db, undefined, {
    SWITCHBOARD_ADMIN_TOKEN: adminToken,
    OPERATOR_DEV_MODE: 'true',
    ROUTING_SYNC_INTERVAL_SECONDS: '0',
    ROUTING_SYNC_TIMEOUT_MS: '2000',
    RATE_LIMIT_ENABLED: 'false',
  });
  fake = await startFakeRoutingServer();
  for (const id of ['op-p', 'op-b'])
    await agg.operators.create(
      operatorInput(id, id === 'op-p' ? { routingUrl: fake.url, allowInsecureHttp: true } : {}),
      ADMIN,
    );
  await agg.selfService.operatorRoutes.change('op-b', 'add', OP_B, ADMIN);
  fake.answer({ table: routingTable('op-p', { ipv4: ['89.0.0.0/10'], msisdnPrefix: ['+3470'] }) });
  expect((await sync()).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await http.close();
  await fake.close();
  await agg.stop();
  await t.destroy();
});

const sync = () =>
  http.send(`${agg.adminUrl}/admin/v1/operators/op-p/routing-sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}` },
  });

type Answer = Parameters<FakeRoutingServer['answer']>[0];
const TOO_BIG = `[${'"x",'.repeat(1_400_000)}"x"]`; // over the 5 MiB cap on a fetched body

/** What the endpoint answers: a table (JSON), raw text, or an HTTP status. */
const answer = (): fc.Arbitrary<{ kind: string; answer: Answer; valid?: boolean }> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: routingTableCase('op-p', ['op-b', 'nobody']).map((c: TableCase) => ({
        ...c,
        answer: { table: c.body },
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom<RouteKind>('ranges', 'prefixes', 'networks'), fc.boolean())
        .map(([kind, plus]) => ({
          kind: `op-b's ${kind}`,
          answer: {
            table: routingTable('op-p', {
              [{ ranges: 'ipv4', prefixes: 'msisdnPrefix', networks: 'network' }[kind]]: [
                `${plus && kind === 'prefixes' ? '+' : ''}${OP_B[kind][0]}`,
              ],
            }),
          },
          valid: false,
        })),
    },
    {
      weight: 1,
      arbitrary: tooBroadClaim().map((value) => ({
        kind: 'a claim too broad without approval',
        answer: {
          table: routingTable('op-p', {
            [value.startsWith('+') ? 'msisdnPrefix' : value.includes(':') ? 'ipv6' : 'ipv4']: [
              value,
            ],
          }),
        },
        valid: false,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          hostileString(),
          fc.constantFrom('', '[', '[{}', '{"a":', 'null', 'NaN', '\u0000', TOO_BIG),
        )
        .map((text) => ({ kind: 'raw text', answer: { text } })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(204, 301, 302, 400, 401, 404, 429, 500, 502, 503)
        .map((status) => ({ kind: `HTTP ${status}`, answer: { status }, valid: false })),
    },
  );

type Routes = Record<RouteKind, string[]>;
const sorted = (r: Routes): Routes => ({
  ranges: [...r.ranges].sort(),
  prefixes: [...r.prefixes].sort(),
  networks: [...r.networks].sort(),
});
const routesOf = async (id: string) => sorted(await agg.selfService.operatorRoutes.list(id));

/** The routes a table that was accepted must have produced, in canonical form. */
function expectedRoutes(body: unknown): Routes {
  const rules = body as Array<Record<string, string[] | undefined>>;
  const all = (...keys: string[]) => rules.flatMap((r) => keys.flatMap((k) => r[k] ?? []));
  return sorted({
    ranges: [...new Set(all('ipv4', 'ipv6').map((v) => parseCidr(v.trim()).cidr))],
    prefixes: [...new Set(all('msisdnPrefix').map((v) => parseMsisdnPrefix(v.trim())))],
    networks: [...new Set(all('network').map((v) => v.trim().replace('-', '')))],
  });
}

describe('GSMA routing sync under hostile routing tables', () => {
  const runs = fuzzRuns('routing-table sync through a fake routing server');
  it(
    'never 5xx; a refused table keeps the last good routes and writes only its failure',
    async () => {
      // The admin token's last-use stamp is refreshed by design on any authenticated call.
      const others = tablesExcept('routing_sync_state', 'admin_tokens');
      const opB = await routesOf('op-b');
      let last = await tableFingerprint(t.db.knex, others);
      let lastGood = (await routesOf('op-p')).ranges;
      await fc.assert(
        fc.asyncProperty(answer(), async (a) => {
          fake.answer(a.answer);
          const res = await sync();
          const body = JSON.parse(res.text) as Record<string, unknown>;
          const now = await tableFingerprint(t.db.knex, others);
          if (res.status === 200) {
            expect(a.valid).not.toBe(false);
            expect(await routesOf('op-p')).toEqual(
              expectedRoutes((a.answer as { table: unknown }).table),
            );
            expect(await routesOf('op-b')).toEqual(opB);
            last = now;
            lastGood = (await routesOf('op-p')).ranges;
            return;
          }
          // A well-formed table may still claim what op-b holds (its values are random).
          if (a.valid) expect(body).toMatchObject({ status: 409, message: /op-b/ });
          // 400: the claim rules refused a value; 409: held by another (ALREADY_EXISTS) or too
          // broad without an approval (INCOMPATIBLE_STATE); 502: the endpoint failed.
          const conflict = a.valid
            ? 'ALREADY_EXISTS'
            : expect.stringMatching(/^(ALREADY_EXISTS|INCOMPATIBLE_STATE)$/);
          expect(body).toMatchObject({
            status: res.status,
            code: { 400: 'INVALID_ARGUMENT', 409: conflict, 502: 'BAD_GATEWAY' }[res.status],
            message: expect.any(String),
          });
          expect(now).toEqual(last);
          const state = (await agg.operators.get('op-p')).routingSync;
          // Kept for `operators show`, with any NUL byte replaced (text cannot hold one).
          const lastError = storableText(String(body.message));
          expect(state).toMatchObject({ status: 'failed', lastError });
          // The last good table is still what the finder answers from.
          for (const cidr of lastGood.slice(0, 3))
            expect(agg.index.lookupIp(cidr.split('/')[0]!)?.operator.id).toBe('op-p');
        }),
        fuzzParameters(runs),
      );
      expect(await routesOf('op-b')).toEqual(opB);
    },
    fuzzTimeout(runs, 60),
  );
});
