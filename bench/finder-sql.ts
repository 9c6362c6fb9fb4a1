// Telco finder against its database: the 1M-row CSV import through the admin API (what
// `switchboard ranges import` does), the index rebuild from the tables, and lookups through
// the SQL reference path (`range >>= ip`, GiST) next to the in-memory index, as a ratio.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { createDatabase, type Database } from '@switchboard/db';
import { loadConfig, silentLogger, startAggregator } from '@switchboard/aggregator';
import { parseCidr, sqlLookupIp } from '@switchboard/telco-finder/test-support';
import { main as cli } from '@switchboard/cli';
import type { BenchContext, BenchRow } from './types.js';

const IPV4 = Number(process.env.BENCH_SQL_IPV4 ?? 1_000_000);
const IPV6 = Number(process.env.BENCH_SQL_IPV6 ?? 200_000);
const OPERATORS = 50;
const SQL_SECONDS = 3;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const v4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** Realistic mix: mostly /16–/24, nested, unique, over OPERATORS operators. Written as CSV. */
function writeCsv(file: string, rand: () => number): { v4: string[]; v6: string[] } {
  const seen = new Set<string>();
  const out = fs.openSync(file, 'w');
  const sample4: string[] = [];
  const sample6: string[] = [];
  let buffer = 'operator_id,cidr\n';
  const emit = (cidr: string) => {
    if (seen.has(cidr)) return false;
    seen.add(cidr);
    buffer += `op-${Math.floor(rand() * OPERATORS)},${cidr}\n`;
    if (buffer.length > 1 << 20) {
      fs.writeSync(out, buffer);
      buffer = '';
    }
    return true;
  };
  for (let made = 0; made < IPV4;) {
    const len = 16 + Math.floor(rand() * 9) - (rand() < 0.05 ? 6 : 0);
    const addr = Math.floor(rand() * 2 ** 32) >>> 0;
    const net = (addr & (~0 << (32 - len))) >>> 0;
    if (emit(`${v4(net)}/${len}`)) made++;
    if (sample4.length < 100_000)
      sample4.push(v4((net + Math.floor(rand() * 2 ** (32 - len))) >>> 0));
  }
  for (let made = 0; made < IPV6;) {
    const g = () => Math.floor(rand() * 65536).toString(16);
    const len = [32, 40, 48, 56, 64][Math.floor(rand() * 5)]!;
    const groups = [
      `2${Math.floor(rand() * 4096)
        .toString(16)
        .padStart(3, '0')}`,
      g(),
      g(),
      g(),
    ];
    // zero the host bits of the 64-bit network part
    const bits = groups.map((x) => parseInt(x, 16));
    for (let i = 0; i < 4; i++) {
      const keep = Math.max(0, Math.min(16, len - i * 16));
      bits[i] = keep === 0 ? 0 : bits[i]! & (0xffff << (16 - keep)) & 0xffff;
    }
    const net = bits.map((b) => b.toString(16)).join(':');
    if (emit(parseCidr(`${net}::/${len}`).cidr)) made++;
    if (sample6.length < 20_000) sample6.push(`${net}::${g()}`);
  }
  fs.writeSync(out, buffer);
  fs.closeSync(out);
  return { v4: sample4, v6: sample6 };
}

async function sqlRate(db: Database, ips: string[], connections: number): Promise<number> {
  let done = 0;
  const until = performance.now() + SQL_SECONDS * 1000;
  const worker = async (offset: number) => {
    for (let i = offset; performance.now() < until; i += connections) {
      await sqlLookupIp(db.knex, ips[i % ips.length]!);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, (_, i) => worker(i)));
  return done / ((performance.now() - started) / 1000);
}

function indexRate(lookup: (ip: string) => unknown, ips: string[]): number {
  const rounds = 5;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const ip of ips) lookup(ip);
  return (rounds * ips.length) / ((performance.now() - started) / 1000);
}

async function openEngine(
  engine: 'postgres' | 'pglite',
): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (engine === 'pglite') return { url: 'pglite:memory', drop: async () => {} };
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `sb_bench_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch {
    await admin.destroy();
    return undefined;
  }
  await admin.destroy();
  const u = new URL(server);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const k = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
      await k.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await k.destroy();
    },
  };
}

async function benchEngine(
  engine: 'postgres' | 'pglite',
  csv: string,
  sample: { v4: string[]; v6: string[] },
  ctx: BenchContext,
): Promise<BenchRow[]> {
  const target = await openEngine(engine);
  if (!target) {
    ctx.log(`${engine}: server not reachable, skipped`);
    return [];
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
  const database = await createDatabase(target.url, { poolMax: 10 });
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_PORT: '0',
    SWITCHBOARD_DATA_DIR: dataDir,
  });
  const agg = await startAggregator(config, { logger: silentLogger, database });
  let errors = '';
  const io = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (errors += s) },
    env: { SWITCHBOARD_ADMIN_URL: agg.adminUrl, SWITCHBOARD_DATA_DIR: dataDir },
    cwd: dataDir,
  };
  const bench = `finder-sql/${engine}`;
  const rows: BenchRow[] = [];
  try {
    for (let i = 0; i < OPERATORS; i++) {
      await agg.operators.create(
        {
          id: `op-${i}`,
          name: `Op ${i}`,
          country: 'ES',
          issuerUrl: `https://op${i}.example`,
          apiRoot: `https://op${i}.example/api`,
          clientId: 'sb',
          credentials: { method: 'client_secret_basic', clientSecret: 'bench-secret-123' },
        },
        { kind: 'admin', id: 'bench' },
      );
    }
    ctx.log(`${engine}: importing ${IPV4 + IPV6} rows through the admin API…`);
    let started = performance.now();
    const code = await cli(['ranges', 'import', csv, '--allow-overlap'], io);
    const importMs = performance.now() - started;
    if (code !== 0) throw new Error(`import failed with exit ${code}: ${errors}`);
    rows.push({
      bench,
      metric: `CSV import, ${IPV4 + IPV6} rows`,
      value: importMs / 1000,
      unit: 's',
      target: '≤ 60',
      note: 'switchboard ranges import, incl. index rebuild',
    });
    started = performance.now();
    await agg.index.refresh();
    rows.push({
      bench,
      metric: 'index rebuild from tables',
      value: performance.now() - started,
      unit: 'ms',
      note: 'read + build',
    });
    const idx4 = indexRate((ip) => agg.index.lookupIp(ip), sample.v4);
    const idx6 = indexRate((ip) => agg.index.lookupIp(ip), sample.v6);
    const sql1 = await sqlRate(database, sample.v4, 1);
    rows.push({
      bench,
      metric: 'SQL lookups, 1 connection',
      value: sql1,
      unit: 'ops/s',
      note: 'IPv4, range >>= ip, GiST',
    });
    if (engine === 'postgres') {
      rows.push({
        bench,
        metric: 'SQL lookups, 8 connections',
        value: await sqlRate(database, sample.v4, 8),
        unit: 'ops/s',
        note: 'IPv4',
      });
    }
    const sql6 = await sqlRate(database, sample.v6, 1);
    rows.push({
      bench,
      metric: 'index/SQL ratio IPv4',
      value: idx4 / sql1,
      unit: '×',
      note: `index ${Math.round(idx4)} ops/s`,
    });
    rows.push({
      bench,
      metric: 'index/SQL ratio IPv6',
      value: idx6 / sql6,
      unit: '×',
      note: `index ${Math.round(idx6)}, SQL ${Math.round(sql6)} ops/s`,
    });
  } finally {
    await agg.stop();
    await database.close();
    await target.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const csv = path.join(os.tmpdir(), `sb-bench-${process.pid}.csv`);
  ctx.log(`writing ${IPV4} IPv4 + ${IPV6} IPv6 prefixes to ${csv}`);
  const sample = writeCsv(csv, prng(99));
  try {
    const rows = await benchEngine('postgres', csv, sample, ctx);
    rows.push(...(await benchEngine('pglite', csv, sample, ctx)));
    return rows;
  } finally {
    fs.rmSync(csv, { force: true });
  }
}
