import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { ConflictError, UpstreamError } from './errors.js';
import type { Actor } from './model.js';
import { createOperatorRoutes } from './operator-routes.js';
import { createRoutingSync, type RoutingSync } from './routing-sync.js';
import { listAudit } from './store/audit-store.js';
import { getSyncState } from './store/routing-sync-store.js';
import { ADMIN, createNode, eventually, operatorInput, quiet } from '../test-support/fixtures.js';

// GSMA OPG.10 routing-table sync against an injected fetch: the HTTP side is tested in the
// aggregator (sandbox end to end); here, what is applied and what is kept.
const SYSTEM: Actor = { kind: 'system', id: 'routing-sync' };
const URL_A = 'https://op-a.example/telco-routing/v1/routing';
let t: TestDatabase;
let node: ReturnType<typeof createNode>;
let answer: () => unknown;
let fetches = 0;

const target = { operatorId: 'op-a', apiRoot: 'https://op-a.example/api' };
const table = (ipv4: string[], msisdnPrefix: string[] = []) => [
  { ipv4, msisdnPrefix, static: target },
];

function syncFor(n: ReturnType<typeof createNode>): RoutingSync {
  return createRoutingSync({
    ctx: n.ctx,
    routes: createOperatorRoutes(n.ctx, { allowSpecialPurpose: false }),
    fetchTable: async () => {
      fetches++;
      return answer();
    },
    nextDelayMs: () => 60_000,
    logger: quiet,
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  node = createNode(t.db);
  await node.index.start();
  await node.operators.create(operatorInput('op-a', { routingUrl: URL_A }), ADMIN);
  await node.operators.create(operatorInput('op-b'), ADMIN);
  await node.routes.addRanges('op-b', ['90.0.0.0/8'], {}, ADMIN);
});
afterAll(async () => {
  await node.index.stop();
  await t.destroy();
});

const state = () => getSyncState(t.db.knex, 'op-a');
const ranges = async () => (await node.routes.listRanges('op-a')).map((r) => r.cidr);

describe('routing-table sync', () => {
  it('first sync applies the whole table and records success', async () => {
    const sync = syncFor(node);
    answer = () => table(['88.0.0.0/11', '89.1.0.0/16'], ['+3460']);
    const out = await sync.sync('op-a', SYSTEM);
    expect(out.diff).toEqual({
      ranges: { added: ['88.0.0.0/11', '89.1.0.0/16'], removed: [], unchanged: 0 },
      prefixes: { added: ['3460'], removed: [], unchanged: 0 },
      networks: { added: [], removed: [], unchanged: 0 },
    });
    expect(node.index.lookupIp('89.1.2.3')?.operator.id).toBe('op-a');
    expect(await state()).toMatchObject({ status: 'ok', lastError: null, consecutiveFailures: 0 });
  });

  it('an incremental change applies only the difference; an unchanged table writes nothing', async () => {
    const sync = syncFor(node);
    answer = () => table(['88.0.0.0/11', '89.1.0.0/16', '89.2.0.0/16'], ['+3460']);
    expect((await sync.sync('op-a', SYSTEM)).diff.ranges).toEqual({
      added: ['89.2.0.0/16'],
      removed: [],
      unchanged: 2,
    });
    const audits = (await listAudit(t.db.knex, { operatorId: 'op-a' })).length;
    await sync.sync('op-a', SYSTEM);
    expect((await listAudit(t.db.knex, { operatorId: 'op-a' })).length).toBe(audits);
  });

  it('a removal in the table removes the route', async () => {
    answer = () => table(['88.0.0.0/11'], []);
    const out = await syncFor(node).sync('op-a', SYSTEM);
    expect(out.diff.ranges?.removed).toEqual(['89.1.0.0/16', '89.2.0.0/16']);
    expect(out.diff.prefixes?.removed).toEqual(['3460']);
    expect(node.index.lookupIp('89.1.2.3')).toBeUndefined();
    expect(node.index.lookupPhoneNumber('+34600000001')).toBeUndefined();
  });

  it("stores a warning that quotes a NUL byte from the operator's table (found by the fuzz suite)", async () => {
    answer = () => [
      { ipv4: ['88.0.0.0/11'], static: { ...target, apiRoot: 'https://op-a.example/\u0000' } },
    ];
    const out = await syncFor(node).sync('op-a', SYSTEM);
    expect(out.warnings).toEqual([expect.stringContaining('https://op-a.example/\u0000')]);
    expect(await state()).toMatchObject({ status: 'ok', lastError: null });
  });

  it.each([
    [
      'a NUL byte in the operator id (found by the fuzz suite: the failure was not recorded)',
      () => [{ ipv4: ['88.0.0.0/11'], static: { operatorId: 'op-a\u0000' } }],
      UpstreamError,
      /routes to operator 'op-a\uFFFD'/,
    ],
    [
      'a malformed table',
      () => ({ not: 'a list' }),
      UpstreamError,
      /is invalid: not a GSMA routing table/,
    ],
    [
      'rules for another operator',
      () => [{ ipv4: ['91.0.0.0/8'], static: { operatorId: 'op-b' } }],
      UpstreamError,
      /routes to operator 'op-b'/,
    ],
    [
      'an unreachable endpoint',
      () => {
        throw new UpstreamError('cannot reach https://op-a.example: ECONNREFUSED');
      },
      UpstreamError,
      /ECONNREFUSED/,
    ],
    [
      "another operator's range",
      () => table(['90.1.0.0/16']),
      ConflictError,
      /overlaps 90\.0\.0\.0\/8 of operator 'op-b'/,
    ],
  ])('%s keeps the last good table and records the failure', async (_name, body, Kind, message) => {
    answer = body;
    const before = await state();
    await expect(syncFor(node).sync('op-a', SYSTEM)).rejects.toBeInstanceOf(Kind);
    expect(await ranges()).toEqual(['88.0.0.0/11']);
    expect(node.index.lookupIp('88.1.1.1')?.operator.id).toBe('op-a');
    const after = await state();
    expect(after).toMatchObject({ status: 'failed', lastSuccessAt: before!.lastSuccessAt });
    expect(after!.lastError).toMatch(message);
    expect(after!.consecutiveFailures).toBe(
      before!.status === 'failed' ? before!.consecutiveFailures + 1 : 1,
    );
  });

  it('concurrent syncs of one change apply it once', async () => {
    answer = () => table(['88.0.0.0/11', '89.9.0.0/16']);
    const other = t.engine === 'postgres' ? createNode(await t.connectAgain()) : node;
    const results = await Promise.all([
      syncFor(node).sync('op-a', SYSTEM),
      syncFor(other).sync('op-a', SYSTEM),
    ]);
    const applied = results.filter((r) => (r.diff.ranges?.added.length ?? 0) > 0);
    expect(applied.length).toBe(1);
    const syncs = (await listAudit(t.db.knex, { operatorId: 'op-a' })).filter(
      (e) => e.action === 'routing.sync' && JSON.stringify(e.detail).includes('89.9.0.0/16'),
    );
    expect(syncs.length).toBe(1);
    expect(await state()).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
  });

  it('syncs only due sources, and only while the lease holds', async () => {
    const sync = syncFor(node);
    expect(await sync.tryLease('p1', 5_000)).toBe(true);
    expect(await sync.tryLease('p2', 5_000)).toBe(false);
    expect(await sync.tryLease('p1', 5_000)).toBe(true);
    await sync.releaseLease('p1');
    expect(await sync.tryLease('p2', 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(await sync.tryLease('p1', 5_000)).toBe(true);
    fetches = 0;
    // op-a synced a moment ago and is due again only in a minute.
    expect(await sync.syncDue(SYSTEM, async () => true)).toEqual({ ok: 0, failed: 0 });
    await node.operators.update(
      'op-a',
      { routingUrl: 'https://op-a.example/v2/telco-routing/v1/routing' },
      ADMIN,
    );
    expect(await state()).toBeNull();
    expect(await sync.syncDue(SYSTEM, async () => false)).toEqual({ ok: 0, failed: 0 });
    expect(await sync.syncDue(SYSTEM, async () => true)).toEqual({ ok: 1, failed: 0 });
    expect(fetches).toBe(1);
    await eventually(() => node.index.lookupIp('89.9.1.1')?.operator.id === 'op-a');
  });
});
