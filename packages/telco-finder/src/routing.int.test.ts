import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { importPrefixes, importRanges } from './route-import.js';
import { ADMIN, createNode, linesOf, operatorInput } from '../test-support/fixtures.js';

let t: TestDatabase;
let node: ReturnType<typeof createNode>;

beforeAll(async () => {
  t = await createTestDatabase();
  node = createNode(t.db);
  await node.index.start();
  await node.operators.create(operatorInput('mno-a'), ADMIN);
  await node.operators.create(
    operatorInput('mvno-b', {
      credentials: {
        method: 'private_key_jwt',
        privateJwk: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
          format: 'jwk',
        }),
      },
    }),
    ADMIN,
  );
  await node.operators.create(operatorInput('mno-c'), ADMIN);
});
afterAll(async () => {
  await node.index.stop();
  await t.destroy();
});

describe(`telco finder on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('routes an MVNO /24 inside its host MNO /16 to the MVNO (longest prefix wins)', async () => {
    await node.routes.addRanges('mno-a', ['10.20.0.0/16', '2001:db8::/32'], {}, ADMIN);
    await node.routes.addRanges('mvno-b', ['10.20.30.0/24'], { allowOverlap: true }, ADMIN);
    expect(node.index.lookupIp('10.20.30.40')?.operator.id).toBe('mvno-b');
    expect(node.index.lookupIp('10.20.31.40')?.operator.id).toBe('mno-a');
    expect(node.index.lookupIp('10.20.30.40')?.matched).toEqual({
      type: 'ip',
      value: '10.20.30.0/24',
    });
    expect(node.index.lookupIp('10.21.0.1')).toBeUndefined();
    expect(node.index.lookupIp('2001:db8:1::5')?.operator.id).toBe('mno-a');
  });

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(node.index.lookupIp('::ffff:10.20.30.1')?.operator.id).toBe('mvno-b');
    expect(node.index.lookupIp('::ffff:a14:1f01')?.operator.id).toBe('mno-a');
  });

  it('refuses an overlap with another operator, naming both, and writes nothing', async () => {
    const err = await node.routes
      .addRanges('mno-c', ['10.20.40.0/24', '192.0.2.0/24'], {}, ADMIN)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toMatch(/10\.20\.40\.0\/24.*mno-c.*10\.20\.0\.0\/16.*mno-a/);
    expect(node.index.lookupIp('192.0.2.1')).toBeUndefined();
    expect((await node.routes.listRanges('mno-c')).length).toBe(0);
    // a wider range that would swallow another operator's range is an overlap too
    await expect(node.routes.addRanges('mno-c', ['10.0.0.0/8'], {}, ADMIN)).rejects.toThrow(
      /overlaps 10\.20\.0\.0\/16/,
    );
  });

  it('records an allowed overlap', async () => {
    const ranges = await node.routes.listRanges('mvno-b');
    expect(ranges).toEqual([
      expect.objectContaining({ cidr: '10.20.30.0/24', allowOverlap: true }),
    ]);
    const audit = await t.db
      .knex('audit_log')
      .where({ action: 'ranges.add', operator_id: 'mvno-b' });
    expect(audit[0]?.detail).toMatchObject({ added: ['10.20.30.0/24'], allowOverlap: true });
  });

  it('refuses exact duplicates even with --allow-overlap, and bad CIDRs as input errors', async () => {
    await expect(
      node.routes.addRanges('mno-c', ['10.20.0.0/16'], { allowOverlap: true }, ADMIN),
    ).rejects.toThrow(/already registered to operator 'mno-a'/);
    await expect(node.routes.addRanges('mno-c', ['10.0.0.1/8'], {}, ADMIN)).rejects.toThrow(
      InputError,
    );
    await expect(node.routes.addRanges('mno-c', ['nonsense'], {}, ADMIN)).rejects.toThrow(
      InputError,
    );
    await expect(node.routes.addRanges('nobody', ['198.51.100.0/24'], {}, ADMIN)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('never matches a disabled operator, and matches again once enabled', async () => {
    expect(node.index.operator('mvno-b')?.apiRoot).toBe('https://mvno-b.example/api');
    await node.operators.setStatus('mvno-b', 'disabled', ADMIN);
    expect(node.index.operator('mvno-b')).toBeUndefined();
    expect(node.index.lookupIp('10.20.30.40')?.operator.id).toBe('mno-a');
    await node.operators.setStatus('mvno-b', 'active', ADMIN);
    expect(node.index.lookupIp('10.20.30.40')?.operator.id).toBe('mvno-b');
  });

  it('routes phone numbers by the longest MSISDN prefix, with the same overlap rule', async () => {
    await node.routes.addPrefixes('mno-a', ['+3460'], {}, ADMIN);
    await expect(node.routes.addPrefixes('mvno-b', ['+34601'], {}, ADMIN)).rejects.toThrow(
      /overlaps 3460 of operator 'mno-a'/,
    );
    await node.routes.addPrefixes('mvno-b', ['+34601'], { allowOverlap: true }, ADMIN);
    expect(node.index.lookupPhoneNumber('+34601234567')?.operator.id).toBe('mvno-b');
    expect(node.index.lookupPhoneNumber('+34602234567')?.operator.id).toBe('mno-a');
    expect(node.index.lookupPhoneNumber('+4915112345')).toBeUndefined();
  });

  it('removes all listed ranges or none', async () => {
    await expect(
      node.routes.removeRanges(['10.20.30.0/24', '203.0.113.0/24'], ADMIN),
    ).rejects.toThrow(/no such range: 203\.0\.113\.0\/24/);
    expect(node.index.lookupIp('10.20.30.1')?.operator.id).toBe('mvno-b');
    await expect(node.routes.removeRanges(['10.20.30.0/24'], ADMIN, 'mno-a')).rejects.toThrow(
      /belongs to operator 'mvno-b'/,
    );
    await node.routes.removeRanges(['10.20.30.0/24'], ADMIN);
    expect(node.index.lookupIp('10.20.30.1')?.operator.id).toBe('mno-a');
  });

  it('keeps operator credentials encrypted at rest and returns them decrypted', async () => {
    const row = await t.db.knex('operators').where({ id: 'mno-a' }).first();
    expect(row.client_credentials_enc).not.toContain('a-long-client-secret');
    expect(await node.operators.credentials('mno-a')).toEqual({
      method: 'client_secret_basic',
      clientSecret: 'a-long-client-secret',
    });
  });

  it('updates only what was sent', async () => {
    const updated = await node.operators.update('mno-c', { name: 'Renamed' }, ADMIN);
    expect(updated).toMatchObject({ name: 'Renamed', scopeStyle: 'camara', status: 'active' });
    await node.operators.update('mno-c', { scopeStyle: 'dpv-hash' }, ADMIN);
    expect((await node.operators.update('mno-c', { name: 'Again' }, ADMIN)).scopeStyle).toBe(
      'dpv-hash',
    );
    await expect(
      node.operators.update('mno-c', { apiRoot: 'http://plain.example' }, ADMIN),
    ).rejects.toThrow(/https/);
  });
});

describe('CSV import', () => {
  it('imports all rows in one transaction', async () => {
    const csv =
      'operator_id,cidr\nmno-c,198.51.100.0/24\nmno-c,203.0.113.0/25\n\n# comment\nmno-c,2001:db9::/32\n';
    const r = await importRanges(node.ctx, linesOf(csv), {}, ADMIN);
    expect(r).toEqual({ imported: 3, byOperator: { 'mno-c': 3 } });
    expect(node.index.lookupIp('203.0.113.9')?.operator.id).toBe('mno-c');
  });

  it('reports bad lines by number and writes nothing', async () => {
    const csv = 'mno-c,100.64.0.0/16\nmno-c,100.65.0.1/16\nmno-c\nghost,100.66.0.0/16\n';
    const err = (await importRanges(node.ctx, linesOf(csv), {}, ADMIN).catch(
      (e: unknown) => e,
    )) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.details.map((d) => d.line)).toEqual([2, 3]);
    expect(node.index.lookupIp('100.64.1.1')).toBeUndefined();
    const unknown = (await importRanges(
      node.ctx,
      linesOf('mno-c,100.64.0.0/16\nghost,100.66.0.0/16'),
      {},
      ADMIN,
    ).catch((e: unknown) => e)) as InputError;
    expect(unknown.details).toEqual([{ line: 2, message: "unknown operator 'ghost'" }]);
    expect(node.index.lookupIp('100.64.1.1')).toBeUndefined();
  });

  it('refuses conflicts inside the file and against stored ranges, by line', async () => {
    const csv =
      'mno-c,100.64.0.0/16\nmvno-b,100.64.1.0/24\nmvno-b,10.20.0.0/17\nmno-c,100.64.0.0/16\n';
    const err = (await importRanges(node.ctx, linesOf(csv), {}, ADMIN).catch(
      (e: unknown) => e,
    )) as ConflictError;
    expect(err).toBeInstanceOf(ConflictError);
    const messages = err.details.map((d) => `${d.line}: ${d.message}`).join('\n');
    expect(messages).toMatch(
      /2: 100\.64\.1\.0\/24 of operator 'mvno-b' overlaps 100\.64\.0\.0\/16 of operator 'mno-c' \(line 1\)/,
    );
    expect(messages).toMatch(
      /3: 10\.20\.0\.0\/17 of operator 'mvno-b' overlaps 10\.20\.0\.0\/16 of operator 'mno-a'/,
    );
    expect(messages).toMatch(/already listed on line 1/);
    expect(node.index.lookupIp('100.64.1.1')).toBeUndefined();
  });

  it('imports MSISDN prefixes with the same checks', async () => {
    await expect(importPrefixes(node.ctx, linesOf('mno-c,+34609\n'), {}, ADMIN)).rejects.toThrow(
      /overlaps 3460 of operator 'mno-a'/,
    );
    await importPrefixes(node.ctx, linesOf('mno-c,+44\nmno-c,+447\n'), {}, ADMIN);
    expect(node.index.lookupPhoneNumber('+447700900123')?.matched.value).toBe('+447');
  });
});
