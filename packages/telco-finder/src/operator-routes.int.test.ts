import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import type { Actor } from './model.js';
import { createOperatorRoutes } from './operator-routes.js';
import { createOverlapApprovals } from './overlap-approvals.js';
import { listAudit } from './store/audit-store.js';
import { ADMIN, createNode, operatorInput } from '../test-support/fixtures.js';

// The claim rules every self-service path shares (operator API, routing-table sync).
let t: TestDatabase;
let node: ReturnType<typeof createNode>;
let routes: ReturnType<typeof createOperatorRoutes>;
let approvals: ReturnType<typeof createOverlapApprovals>;
const A: Actor = { kind: 'operator', id: 'op-a/client-1' };
const B: Actor = { kind: 'operator', id: 'op-b/client-2' };

beforeAll(async () => {
  t = await createTestDatabase();
  node = createNode(t.db);
  await node.index.start();
  routes = createOperatorRoutes(node.ctx, { allowSpecialPurpose: false });
  approvals = createOverlapApprovals(node.ctx);
  for (const id of ['op-a', 'op-b']) await node.operators.create(operatorInput(id), ADMIN);
});
afterAll(async () => {
  await node.index.stop();
  await t.destroy();
});

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
};

describe('operator routes: claims', () => {
  it('adds, reports what changed, and is idempotent', async () => {
    const diff = await routes.change(
      'op-a',
      'add',
      { ranges: ['88.0.0.0/11'], prefixes: ['+3460'] },
      A,
    );
    expect(diff).toEqual({
      ranges: { added: ['88.0.0.0/11'], removed: [], unchanged: 0 },
      prefixes: { added: ['3460'], removed: [], unchanged: 0 },
    });
    expect(node.index.lookupIp('88.1.2.3')?.operator.id).toBe('op-a');
    const again = await routes.change('op-a', 'add', { ranges: ['88.0.0.0/11'] }, A);
    expect(again).toEqual({ ranges: { added: [], removed: [], unchanged: 1 } });
  });

  it('refuses special-purpose ranges outside development, naming the block', async () => {
    for (const cidr of [
      '10.0.0.0/8',
      '127.0.0.1/32',
      '169.254.0.0/16',
      '192.0.2.0/24',
      '224.0.0.0/8',
      'fe80::/64',
      '2001:db8::/48',
    ]) {
      const e = await rejection(routes.change('op-a', 'add', { ranges: [cidr] }, A));
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toMatch(/special-purpose block/);
    }
    const dev = createOperatorRoutes(node.ctx, { allowSpecialPurpose: true });
    expect(
      (await dev.change('op-a', 'add', { ranges: ['127.77.0.0/16'] }, A)).ranges?.added,
    ).toEqual(['127.77.0.0/16']);
    await dev.change('op-a', 'remove', { ranges: ['127.77.0.0/16'] }, A);
  });

  it("refuses another operator's exact value or an overlap with it (409), writing nothing", async () => {
    const taken = await rejection(routes.change('op-b', 'add', { ranges: ['88.0.0.0/11'] }, B));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.message).toBe("range 88.0.0.0/11 is already registered to operator 'op-a'");
    const nested = await rejection(
      routes.change(
        'op-b',
        'add',
        { ranges: ['89.0.0.0/10', '88.10.0.0/16'], prefixes: ['+34605'] },
        B,
      ),
    );
    expect(nested).toBeInstanceOf(ConflictError);
    // The domain's words; how an admin approves it is the APIs' (route-violation-words.test.ts).
    expect(nested.message).toMatch(
      /range 88\.10\.0\.0\/16 of operator 'op-b' overlaps 88\.0\.0\.0\/11 of operator 'op-a'/,
    );
    expect((nested as ConflictError).violations[0]).toMatchObject({
      code: 'overlap',
      operatorId: 'op-b',
      value: '88.10.0.0/16',
      remedy: 'approval',
    });
    expect(await routes.list('op-b')).toEqual({ ranges: [], prefixes: [], networks: [] });
  });

  it('accepts an overlap an admin approved, and only that one', async () => {
    await approvals.approve('op-b', ['88.10.0.0/16', '+34605'], ADMIN, 'MVNO on op-a');
    expect((await approvals.list('op-b')).map((a) => [a.kind, a.value])).toEqual([
      ['prefix', '34605'],
      ['range', '88.10.0.0/16'],
    ]);
    await routes.change('op-b', 'add', { ranges: ['88.10.0.0/16'], prefixes: ['+34605'] }, B);
    expect(node.index.lookupIp('88.10.1.1')?.operator.id).toBe('op-b');
    expect(node.index.lookupIp('88.11.1.1')?.operator.id).toBe('op-a');
    const other = await rejection(routes.change('op-b', 'add', { ranges: ['88.11.0.0/16'] }, B));
    expect(other).toBeInstanceOf(ConflictError);
    await approvals.revoke('op-b', ['+34605'], ADMIN);
    await expect(approvals.revoke('op-b', ['+34605'], ADMIN)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("never removes another operator's routes", async () => {
    const e = await rejection(routes.change('op-b', 'remove', { ranges: ['88.0.0.0/11'] }, B));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toBe("operator 'op-b' has no range 88.0.0.0/11");
    expect(node.index.lookupIp('88.1.2.3')?.operator.id).toBe('op-a');
  });

  it('replaces declaratively, atomically, with the diff; one bad value changes nothing', async () => {
    const diff = await routes.change(
      'op-a',
      'replace',
      { ranges: ['88.0.0.0/11', '2a02:9000::/23'], networks: ['21407'] },
      A,
    );
    expect(diff).toEqual({
      ranges: { added: ['2a02:9000::/23'], removed: [], unchanged: 1 },
      networks: { added: ['21407'], removed: [], unchanged: 0 },
    });
    const before = await routes.list('op-a');
    const bad = await rejection(
      routes.change(
        'op-a',
        'replace',
        { ranges: ['2a02:9000::/23', '10.0.0.0/8'], networks: [] },
        A,
      ),
    );
    expect(bad).toBeInstanceOf(InputError);
    expect(await routes.list('op-a')).toEqual(before);
    const malformed = await rejection(
      routes.change('op-a', 'replace', { ranges: ['88.0.0.1/11', 'x'] }, A),
    );
    expect((malformed as InputError).details.map((d) => d.message)).toEqual([
      "host bits set in '88.0.0.1/11' (did you mean 88.0.0.0/11?)",
      "invalid CIDR 'x'",
    ]);
    const shrink = await routes.change('op-a', 'replace', { ranges: ['2a02:9000::/23'] }, A);
    expect(shrink.ranges).toEqual({ added: [], removed: ['88.0.0.0/11'], unchanged: 1 });
    expect(node.index.lookupIp('88.1.2.3')).toBeUndefined();
    expect(node.index.lookupIp('88.10.1.1')?.operator.id).toBe('op-b');
  });

  it('records who changed what, with the diff, and nothing for a no-op', async () => {
    const entries = await listAudit(t.db.knex, { operatorId: 'op-a' });
    const mine = entries.filter((e) => e.actor === 'operator:op-a/client-1');
    expect(mine.map((e) => e.action)).toEqual([
      'routes.add',
      'routes.add',
      'routes.remove',
      'routes.replace',
      'routes.replace',
    ]);
    expect(mine.at(-1)!.detail).toEqual({
      diff: { ranges: { added: [], removed: ['88.0.0.0/11'], unchanged: 1 } },
    });
    expect((await listAudit(t.db.knex, { operatorId: 'op-b' })).map((e) => e.action)).toEqual([
      'operator.create',
      'overlaps.approve',
      'routes.add',
      'overlaps.revoke',
    ]);
    const future = await listAudit(t.db.knex, { since: new Date(Date.now() + 60_000) });
    expect(future).toEqual([]);
  });
});
