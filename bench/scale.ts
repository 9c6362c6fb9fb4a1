// Scale and memory (issue 16, part 4), all on one fresh PostgreSQL database with the real
// aggregator (`main.ts`) in its own processes and the sandboxes, upstream and clients here:
// 1. RSS of one aggregator process under BENCH_SCALE_SECONDS (default 60) of mixed load:
//    nested flows, proxied NV calls, telco-finder searches;
// 2. database rows, table bytes and WAL per completed verification, and the expired-state sweep;
// 3. nested flows/s with 1, 2 and 3 aggregator processes (SWITCHBOARD_WORKERS) on that one
//    PostgreSQL, with the CPU per flow of the aggregator processes and of PostgreSQL.
import os from 'node:os';
import { Pool } from 'undici';
import knexFactory, { type Knex } from 'knex';
import {
  APP_CALLBACK,
  authorizeUrl,
  finderToken,
  redeemCode,
  registerApp,
  registerFinderClient,
  registerOperators,
  SERVICE,
  startSandboxes,
  type AppClient,
} from '@switchboard/aggregator/test-support/core-fixture';
import { DeviceBrowser } from '@switchboard/aggregator/test-support/device-browser';
import { deleteExpiredFlowState } from '../apps/aggregator/src/authorize/store/oidc-model-store.js';
import {
  benchOperatorToken,
  cpuMs,
  createBenchPostgres,
  freePort,
  prepareDatabase,
  rssMb,
  spawnAggregator,
  startUpstream,
  type SpawnedAggregator,
} from './aggregator-stack.js';
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'scale';
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 60);
/** Each step of the 1/2/3-process comparison runs this long. */
const STEP_SECONDS = Math.max(5, Math.round(SECONDS / 6));
/** An address of sandbox-a's range (the bench registers ranges, not MSISDN prefixes). */
const FINDER_TARGET = {
  target: { ipv4Address: { publicAddress: '127.10.0.5', publicPort: 4321 } },
};
const SCOPE = `openid ${SERVICE} number-verification:verify`;
/** The tables the flow sweep empties by `expires_at` (authorize/store/oidc-model-store.ts). */
const FLOW_TABLES = [
  'oidc_models',
  'operator_flows',
  'operator_grants',
  'access_token_uses',
  'backchannel_requests',
  'assertion_uses',
  'openid4vp_requests',
];

interface Stack {
  readonly port: number;
  readonly issuer: string;
  readonly databaseUrl: string;
  readonly app: AppClient;
  readonly finder: { id: string; secret: string };
  readonly proxyBearer: string;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const pg = await createBenchPostgres();
  if (!pg) return [{ bench: BENCH, metric: 'skipped', value: 0, unit: '', note: 'no PostgreSQL (BENCH_DATABASE_URL)' }]; // prettier-ignore
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const sandboxes = await startSandboxes(issuer);
  const upstream = await startUpstream();
  const knex = knexFactory({ client: 'pg', connection: pg.url, pool: { min: 1, max: 1 } });
  try {
    const stack: Stack = {
      port,
      issuer,
      databaseUrl: pg.url,
      ...(await prepareDatabase(pg.url, issuer, async (agg) => {
        await registerOperators(agg, sandboxes[0]!.url, sandboxes[1]!.url);
        return {
          app: await registerApp(agg, 'key'),
          finder: await registerFinderClient(agg),
          proxyBearer: await benchOperatorToken(agg, issuer, upstream.url),
        };
      })),
    };
    return [
      ...(await memoryUnderMixedLoad(ctx, stack)),
      ...(await costPerVerification(ctx, stack, knex)),
      ...(await flowsPerProcessCount(ctx, stack, knex)),
    ];
  } finally {
    await knex.destroy();
    upstream.stop();
    await Promise.all(sandboxes.map((s) => s.close()));
    await pg.drop();
  }
}

function row(metric: string, value: number, unit: string, note?: string): BenchRow {
  return { bench: BENCH, metric, value, unit, ...(note ? { note } : {}) };
}

/** Runs `step` in `workers` parallel loops until `until` (performance.now()); counts the steps. */
async function loops(workers: number, until: number, step: (i: number) => Promise<void>) {
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, i) => {
      while (performance.now() < until) {
        await step(i);
        done += 1;
      }
    }),
  );
  return done;
}

/** One whole nested verification (seed Annex steps 1–20) by `browser`. */
async function nestedFlow(stack: Stack, browser: DeviceBrowser): Promise<void> {
  const req = authorizeUrl(stack.issuer, stack.app, { prompt: 'none', scope: SCOPE });
  const { redirect } = await browser.follow(req.url, APP_CALLBACK);
  const code = redirect?.searchParams.get('code');
  if (!code) throw new Error(`nested flow failed: ${redirect?.search ?? 'no redirect'}`);
  const token = await redeemCode(`${stack.issuer}/token`, stack.issuer, stack.app, code, req.verifier); // prettier-ignore
  if (token.status !== 200) throw new Error(`token request failed: ${token.status}`);
}

const browsers = (n: number, third: number) =>
  Array.from(
    { length: n },
    (_, i) => new DeviceBrowser(`127.${i % 2 ? 20 : 10}.${third}.${i + 1}`),
  );

async function memoryUnderMixedLoad(ctx: BenchContext, stack: Stack): Promise<BenchRow[]> {
  const sb = await spawnAggregator({ ...stack, workers: 1 });
  const pid = sb.servingPids[0]!;
  const devices = browsers(4, 5);
  const pool = new Pool(stack.issuer, { connections: 4 });
  try {
    const finderBearer = await finderToken(stack.issuer, stack.finder);
    const start = rssMb(pid);
    let peak = start;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 500);
    ctx.log(`mixed load on one aggregator process for ${SECONDS} s (pid ${pid})`);
    const until = performance.now() + SECONDS * 1000;
    const call = async (path: string, bearer: string, body: unknown) => {
      const res = await pool.request({
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode}`);
    };
    const [flows, proxied, searches] = await Promise.all([
      loops(devices.length, until, (i) => nestedFlow(stack, devices[i]!)),
      loops(4, until, () => call('/number-verification/v2/verify', stack.proxyBearer, { phoneNumber: '+34600000001' })), // prettier-ignore
      loops(2, until, () => call('/telco-finder/v1/search', finderBearer, FINDER_TARGET)), // prettier-ignore
    ]);
    clearInterval(sampler);
    const end = rssMb(pid);
    peak = Math.max(peak, end);
    const load = `${SECONDS} s: ${flows} nested flows, ${proxied} proxied NV calls, ${searches} finder searches`;
    return [
      row('aggregator RSS at start', start, 'MB', 'one process, after start, before load'),
      row('aggregator RSS peak', peak, 'MB', load),
      row('aggregator RSS at end', end, 'MB', 'when the load stopped'),
    ];
  } finally {
    await pool.close();
    await Promise.all(devices.map((b) => b.close()));
    await sb.stop();
  }
}

interface Snapshot {
  readonly rows: number;
  readonly perTable: ReadonlyMap<string, number>;
  readonly bytes: number;
  readonly walLsn: string;
}

async function snapshot(knex: Knex): Promise<Snapshot> {
  const tables = (
    await knex.raw<{ rows: { relname: string }[] }>(
      `SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname NOT LIKE 'knex_%'`,
    )
  ).rows.map((r) => r.relname);
  let rows = 0;
  const perTable = new Map<string, number>();
  for (const t of tables) {
    const n = Number((await knex.raw(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
    perTable.set(t, n);
    rows += n;
  }
  const size = await knex.raw(
    `SELECT sum(pg_total_relation_size(relid))::bigint AS bytes, pg_current_wal_lsn()::text AS lsn
       FROM pg_stat_user_tables WHERE schemaname = 'public'`,
  );
  return { rows, perTable, bytes: Number(size.rows[0].bytes), walLsn: size.rows[0].lsn };
}

/** Where the kept rows are: `table +n.n` per verification, largest first. */
function rowsByTable(before: Snapshot, after: Snapshot, flows: number): string {
  return [...after.perTable]
    .map(([t, n]) => [t, (n - (before.perTable.get(t) ?? 0)) / flows] as const)
    .filter(([, d]) => d > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([t, d]) => `${t} +${d.toFixed(1)}`)
    .join(', ');
}

async function walBytes(knex: Knex, from: string, to: string): Promise<number> {
  return Number((await knex.raw('SELECT pg_wal_lsn_diff(?, ?) AS d', [to, from])).rows[0].d);
}

async function costPerVerification(ctx: BenchContext, stack: Stack, knex: Knex) {
  const sb = await spawnAggregator({ ...stack, workers: 1 });
  const devices = browsers(4, 6);
  try {
    for (const b of devices) await nestedFlow(stack, b); // warm-up, before the first snapshot
    await new Promise((r) => setTimeout(r, 1_500)); // the leg recorder writes every second
    const before = await snapshot(knex);
    ctx.log(`nested flows only, ${STEP_SECONDS} s, for rows and bytes per verification`);
    const flows = await loops(devices.length, performance.now() + STEP_SECONDS * 1000, (i) =>
      nestedFlow(stack, devices[i]!),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const after = await snapshot(knex);
    const wal = await walBytes(knex, before.walLsn, after.walLsn);
    // The sweep, as every aggregator process runs it each minute, once this state has expired.
    const flowRows = async () => {
      let n = 0;
      for (const t of FLOW_TABLES) n += Number((await knex(t).count({ n: '*' }))[0]!.n);
      return n;
    };
    const beforeSweep = await flowRows();
    for (const t of FLOW_TABLES)
      await knex(t).update({ expires_at: knex.raw("now() - interval '1 second'") });
    await deleteExpiredFlowState(knex);
    const afterSweep = await flowRows();
    const note = `${flows} verifications, c=4`;
    return [
      row('rows kept per verification', (after.rows - before.rows) / flows, 'rows', `${note}: ${rowsByTable(before, after, flows)}`), // prettier-ignore
      row('table + index growth per verification', (after.bytes - before.bytes) / flows / 1024, 'kB', note), // prettier-ignore
      row('WAL per verification', wal / flows / 1024, 'kB', `${note}; server-wide WAL, other databases included`), // prettier-ignore
      row('flow-state rows before the sweep', beforeSweep, 'rows', `${FLOW_TABLES.length} flow tables, all set expired`), // prettier-ignore
      { ...row('flow-state rows after the sweep', afterSweep, 'rows', 'deleteExpiredFlowState, run by every process every 60 s'), target: '≤ 0' }, // prettier-ignore
    ];
  } finally {
    await Promise.all(devices.map((b) => b.close()));
    await sb.stop();
  }
}

/** Backends of this database (the aggregator's pools), without the bench's own connection. */
async function postgresPids(knex: Knex): Promise<number[]> {
  const { rows } = await knex.raw<{ rows: { pid: number }[] }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return rows.map((r) => r.pid);
}

async function flowsPerProcessCount(ctx: BenchContext, stack: Stack, knex: Knex) {
  const out: BenchRow[] = [];
  const perSecond: number[] = [];
  for (const workers of [1, 2, 3]) {
    const sb: SpawnedAggregator = await spawnAggregator({ ...stack, workers });
    const devices = browsers(8, 7 + workers);
    try {
      for (const b of devices) await nestedFlow(stack, b);
      const pgBefore = await postgresPids(knex);
      const pgCpu0 = cpuMs(pgBefore);
      const aggCpu0 = cpuMs(sb.allPids);
      const ownCpu0 = process.cpuUsage();
      ctx.log(`nested flows c=8 on ${workers} aggregator process(es), ${STEP_SECONDS} s`);
      const started = performance.now();
      const flows = await loops(devices.length, started + STEP_SECONDS * 1000, (i) =>
        nestedFlow(stack, devices[i]!),
      );
      const elapsed = (performance.now() - started) / 1000;
      const aggCpu = cpuMs(sb.allPids) - aggCpu0;
      // Backends opened during the window started from zero CPU.
      const pgCpu = cpuMs(await postgresPids(knex)) - pgCpu0;
      const own = process.cpuUsage(ownCpu0);
      const n = `${workers} process${workers > 1 ? 'es' : ''}`;
      perSecond.push(flows / elapsed);
      out.push(
        row(`nested flows/s, ${n} (c=8)`, flows / elapsed, 'flows/s', `${flows} flows; machine load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`), // prettier-ignore
        row(`aggregator CPU per flow, ${n}`, aggCpu / flows, 'ms', 'all aggregator processes'),
        row(`PostgreSQL CPU per flow, ${n}`, pgCpu / flows, 'ms', "this database's backends"),
        row(`sandboxes + client CPU per flow, ${n}`, (own.user + own.system) / 1000 / flows, 'ms', 'the bench process'), // prettier-ignore
      );
    } finally {
      await Promise.all(devices.map((b) => b.close()));
      await sb.stop();
    }
  }
  out.push(
    row('flows/s 2 processes / 1', perSecond[1]! / perSecond[0]!, '×', 'one PostgreSQL'),
    row('flows/s 3 processes / 1', perSecond[2]! / perSecond[0]!, '×', 'one PostgreSQL'),
  );
  return out;
}
