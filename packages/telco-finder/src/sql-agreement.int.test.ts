import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { sqlLookupIp } from './store/routing-store.js';
import { ADMIN, createNode, linesOf, operatorInput } from '../test-support/fixtures.js';

// The SQL path (`range >>= ip`, GiST, most specific first) is the reference the index is held to.
let t: TestDatabase;
let node: ReturnType<typeof createNode>;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const OPERATORS = ['op-0', 'op-1', 'op-2', 'op-3', 'op-4'];

beforeAll(async () => {
  t = await createTestDatabase();
  node = createNode(t.db);
  await node.index.start();
  for (const id of OPERATORS) await node.operators.create(operatorInput(id), ADMIN);
  const rand = prng(42);
  const seen = new Set<string>();
  const lines: string[] = [];
  // Nested random IPv4 prefixes inside 10.0.0.0/8 (dense, so lookups hit) plus IPv6.
  while (lines.length < 3_000) {
    const len = 12 + Math.floor(rand() * 17);
    const addr = (10 << 24) | Math.floor(rand() * 2 ** 24);
    const net = (addr & (len === 0 ? 0 : ~0 << (32 - len))) >>> 0;
    const cidr = `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${len}`;
    if (seen.has(cidr)) continue;
    seen.add(cidr);
    lines.push(`${OPERATORS[Math.floor(rand() * OPERATORS.length)]},${cidr}`);
  }
  for (let i = 0; i < 500; i++) {
    const hex = Math.floor(rand() * 65536)
      .toString(16)
      .padStart(4, '0');
    // /36, /40, /48 with the host part zeroed: keep 1, 2 or 4 hex digits of the third group.
    const len = [36, 40, 48][i % 3]!;
    const kept = hex.slice(0, (len - 32) / 4).padEnd(4, '0');
    const cidr = `2001:db8:${kept}::/${len}`;
    if (!seen.has(cidr)) {
      seen.add(cidr);
      lines.push(`${OPERATORS[i % OPERATORS.length]},${cidr}`);
    }
  }
  const { importRanges } = await import('./route-import.js');
  await importRanges(node.ctx, linesOf(lines.join('\n')), { allowOverlap: true }, ADMIN);
  await node.operators.setStatus('op-4', 'disabled', ADMIN);
}, 120_000);

afterAll(async () => {
  await node.index.stop();
  await t.destroy();
});

describe('in-memory index vs the SQL reference path', () => {
  it('agrees on 100,000 random addresses', async () => {
    const rand = prng(7);
    const addresses: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      if (i % 10 === 0) {
        addresses.push(
          `2001:db8:${Math.floor(rand() * 65536).toString(16)}::${Math.floor(rand() * 65536).toString(16)}`,
        );
      } else {
        const a = ((10 << 24) | Math.floor(rand() * 2 ** 24)) >>> 0;
        addresses.push(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`);
      }
    }
    // One round trip per batch of addresses: the same query per address, unnested server side.
    const mismatches: string[] = [];
    let matched = 0;
    for (let i = 0; i < addresses.length; i += 5_000) {
      const batch = addresses.slice(i, i + 5_000);
      const { rows } = await t.db.knex.raw(
        `SELECT a.ip, m.operator_id, m.cidr FROM unnest(?::inet[]) AS a(ip)
           LEFT JOIN LATERAL (
             SELECT r.operator_id, r.range::text AS cidr FROM ip_ranges r
               JOIN operators o ON o.id = r.operator_id AND o.status = 'active'
              WHERE r.range >>= a.ip ORDER BY masklen(r.range) DESC LIMIT 1) m ON true`,
        [batch],
      );
      (rows as Array<{ operator_id: string | null; cidr: string | null }>).forEach((row, j) => {
        const got = node.index.lookupIp(batch[j]!);
        if (got) matched++;
        const want = row.operator_id ? `${row.operator_id} ${row.cidr}` : 'none';
        const have = got ? `${got.operator.id} ${got.matched.value}` : 'none';
        if (want !== have && mismatches.length < 10)
          mismatches.push(`${batch[j]}: sql=${want} index=${have}`);
      });
    }
    expect(mismatches).toEqual([]);
    expect(matched).toBeGreaterThan(50_000);
  }, 120_000);

  it('agrees with the single-address SQL lookup helper', async () => {
    for (const ip of ['10.0.0.1', '10.200.3.4', '2001:db8::1', '192.0.2.1']) {
      const sql = await sqlLookupIp(t.db.knex, ip);
      const idx = node.index.lookupIp(ip);
      expect(idx ? { operatorId: idx.operator.id, cidr: idx.matched.value } : undefined).toEqual(
        sql,
      );
    }
  });
});
