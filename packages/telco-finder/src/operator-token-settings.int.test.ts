import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { InputError } from './errors.js';
import { ADMIN, createNode, operatorInput } from '../test-support/fixtures.js';

// Issue 14: an operator's Android carrier ids and operator-token switch persist, reach the
// routing index (what `lookupNetwork` answers for a `carrier_hint`), and the audit log.
let t: TestDatabase;
let node: ReturnType<typeof createNode>;

beforeAll(async () => {
  t = await createTestDatabase();
  node = createNode(t.db);
  await node.index.start();
});
afterAll(async () => {
  await node.index.stop();
  await t.destroy();
});

const NEEDS_CARRIER_IDS =
  'operatorToken: an operator offering operator tokens needs at least one Android carrier id';

describe(`operator-token settings on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('defaults to no carrier ids and no operator tokens', async () => {
    const op = await node.operators.create(operatorInput('ot-plain'), ADMIN);
    expect(op).toMatchObject({ carrierIds: [], operatorToken: false });
    expect(await node.operators.get('ot-plain')).toMatchObject({
      carrierIds: [],
      operatorToken: false,
    });
  });

  it('stores carrier ids (up to 2^31-1) and the switch, and lookupNetwork returns them', async () => {
    await node.operators.create(
      operatorInput('ot-a', { carrierIds: [90001, 2147483647], operatorToken: true }),
      ADMIN,
    );
    await node.routes.addNetworks('ot-a', ['99901'], ADMIN);
    expect((await node.operators.list()).find((o) => o.id === 'ot-a')).toMatchObject({
      carrierIds: [90001, 2147483647],
      operatorToken: true,
    });
    expect(node.index.lookupNetwork('99901')?.operator).toMatchObject({
      id: 'ot-a',
      carrierIds: [90001, 2147483647],
      operatorToken: true,
    });
    expect(node.index.operator('ot-a')?.carrierIds).toEqual([90001, 2147483647]);
  });

  it('updates them, the index follows, and the audit entry carries before and after', async () => {
    await node.operators.update('ot-a', { carrierIds: [90002], operatorToken: false }, ADMIN);
    expect(node.index.lookupNetwork('99901')?.operator).toMatchObject({
      carrierIds: [90002],
      operatorToken: false,
    });
    const [entry] = await t.db
      .knex('audit_log')
      .where({ action: 'operator.update', operator_id: 'ot-a' })
      .orderBy('id', 'desc')
      .limit(1);
    const detail = (typeof entry.detail === 'string' ? JSON.parse(entry.detail) : entry.detail) as {
      changed: string[];
      before: Record<string, unknown>;
      after: Record<string, unknown>;
    };
    expect(detail.changed.sort()).toEqual(['carrierIds', 'operatorToken']);
    expect(detail.before).toMatchObject({ carrierIds: [90001, 2147483647], operatorToken: true });
    expect(detail.after).toMatchObject({ carrierIds: [90002], operatorToken: false });
  });

  it('refuses operator tokens without a carrier id, on create and on update', async () => {
    await expect(
      node.operators.create(operatorInput('ot-none', { operatorToken: true }), ADMIN),
    ).rejects.toThrow(NEEDS_CARRIER_IDS);
    await expect(node.operators.update('ot-plain', { operatorToken: true }, ADMIN)).rejects.toThrow(
      NEEDS_CARRIER_IDS,
    );
    // Clearing the carrier ids of an operator that offers operator tokens is the same mistake.
    await node.operators.update('ot-a', { operatorToken: true }, ADMIN);
    const err = await node.operators
      .update('ot-a', { carrierIds: [] }, ADMIN)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(NEEDS_CARRIER_IDS);
    expect((await node.operators.get('ot-a')).carrierIds).toEqual([90002]);
    // Both at once is fine.
    await node.operators.update('ot-a', { carrierIds: [], operatorToken: false }, ADMIN);
    expect(await node.operators.get('ot-a')).toMatchObject({
      carrierIds: [],
      operatorToken: false,
    });
  });

  it('finds the active operators offering operator tokens by Android carrier id', async () => {
    await node.operators.create(
      operatorInput('ot-b', { carrierIds: [90002, 90003], operatorToken: true }),
      ADMIN,
    );
    await node.operators.create(
      operatorInput('ot-c', { carrierIds: [90003], operatorToken: true }),
      ADMIN,
    );
    await node.operators.create(operatorInput('ot-off', { carrierIds: [90004] }), ADMIN);
    const ids = (carrierIds: number[]) =>
      node.index
        .operatorTokenOperators(carrierIds)
        .map((o) => o.id)
        .sort();
    expect(ids([90002])).toEqual(['ot-b']);
    expect(ids([90003, 90002, 1839])).toEqual(['ot-b', 'ot-c']);
    // Not offering operator tokens, unknown, or disabled: not eligible.
    expect(ids([90004, 1839])).toEqual([]);
    expect(ids([])).toEqual([]);
    await node.operators.setStatus('ot-c', 'disabled', ADMIN);
    expect(ids([90003])).toEqual(['ot-b']);
    await node.operators.update('ot-b', { operatorToken: false }, ADMIN);
    expect(ids([90002, 90003])).toEqual([]);
  });

  it.each([
    [{ carrierIds: [0] }, 'carrierIds.0: must be an Android carrier id (a positive integer)'],
    [{ carrierIds: [1.5] }, 'carrierIds.0: must be an Android carrier id (a positive integer)'],
    [{ carrierIds: [2 ** 31] }, 'carrierIds.0: must be an Android carrier id, at most 2147483647'],
    [{ carrierIds: ['90001'] }, 'carrierIds.0: must be an Android carrier id (a positive integer)'],
    [{ carrierIds: [7, 8, 7] }, 'carrierIds.2: carrier id 7 is listed twice'],
    [
      { carrierIds: Array.from({ length: 65 }, (_, i) => i + 1) },
      'carrierIds: at most 64 carrier ids',
    ],
    [{ operatorToken: 'yes' }, 'operatorToken: Invalid input: expected boolean, received string'],
  ])('refuses %j with a message naming the field', async (patch, message) => {
    await expect(node.operators.update('ot-plain', patch as never, ADMIN)).rejects.toThrow(message);
  });
});
