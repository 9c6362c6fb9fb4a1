// Whole nested verifications (authorize → operator → callback → token, seed Annex steps 1–20)
// against two sandbox operators, next to two single-level authorization-code flows: one at a
// sandbox alone (in memory), and one hosted on the aggregator's own PostgreSQL adapter (the
// anchor: what hosting one flow costs). The aggregator runs in its own process
// (bench/nested-flow-aggregator.ts); the sandboxes and the devices' browsers run here. Per flow:
// the aggregator's CPU time, its database round trips and the time it waited for them, the WAL
// written, and this process's CPU (sandboxes + client). BENCH_NESTED_PROFILE=1 adds a CPU profile
// of the aggregator under nested flows at c=8 and prints its top ten self-time frames.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { request } from 'undici';
import { loadSandboxConfig, type RunningSandbox } from '@switchboard/operator-sandbox';
import {
  APP_CALLBACK,
  authorizeUrl,
  redeemCode,
  SERVICE,
  startSandboxes,
  type AppClient,
} from '@switchboard/aggregator/test-support/core-fixture';
import { DeviceBrowser } from '@switchboard/aggregator/test-support/device-browser';
import { ANCHOR_CLIENT } from './nested-flow-anchor.js';
import type { ProbeRequest, Started } from './nested-flow-aggregator.js';
import type { ProbeSnapshot, ProfileFrame } from './nested-flow-probe.js';
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'nested-flow';
const SECONDS = 3;
const SCOPE = `openid ${SERVICE} number-verification:verify`;
const TESTER_CALLBACK = 'http://127.0.0.1:3999/callback';
const PROFILE = process.env.BENCH_NESTED_PROFILE === '1';

type Flow = (browser: DeviceBrowser) => Promise<void>;

/** One flow kind at one concurrency: throughput, latency and cost per flow. */
interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  flows: number;
  /** Aggregator process, per flow. */
  cpuMs: number;
  queries: number;
  /** Timed batches (rate limiter, operator-leg scorecard), per second (not per flow). */
  backgroundPerSecond: number;
  queryWaitMs: number;
  walBytes: number | undefined;
  /** This process (sandboxes and browsers), per flow. */
  loadCpuMs: number;
}

type Measure = (
  flow: Flow,
  concurrency: number,
  address: (i: number) => string,
) => Promise<Measured>;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const db = await benchDatabaseUrl();
  ctx.log(`nested flow on ${db.engine}, aggregator in its own process`);
  const child = await startChild(db.url);
  let sandboxes: RunningSandbox[] = [];
  try {
    sandboxes = await startSandboxes(child.started.issuer);
    const app = (await child.ask({
      kind: 'register',
      sandboxA: sandboxes[0]!.url,
      sandboxB: sandboxes[1]!.url,
    })) as AppClient;
    const flows = {
      nested: nestedFlow(child.started, app),
      sandbox: singleLevelFlow(sandboxes[0]!.url, sandboxTester(), TESTER_CALLBACK),
      anchor: singleLevelFlow(child.started.anchor, ANCHOR_CLIENT, ANCHOR_CLIENT.redirectUri),
    };
    const measure = measurer(child);
    const rows: BenchRow[] = [];
    const results: Record<string, Measured> = {};
    for (const c of [1, 8]) {
      ctx.log(`nested and single-level flows, concurrency ${c}`);
      results[`nested${c}`] = await measure(flows.nested, c, (i) => nestedDevice(i));
      results[`anchor${c}`] = await measure(flows.anchor, c, (i) => `127.10.5.${i + 1}`);
      results[`sandbox${c}`] = await measure(flows.sandbox, c, (i) => `127.10.4.${i + 1}`);
    }
    rows.push(...report(results, db.engine));
    if (PROFILE) await profile(ctx, child, flows.nested);
    return rows;
  } finally {
    await Promise.all(sandboxes.map((s) => s.close()));
    await child.stop();
    await db.drop();
  }
}

const nestedDevice = (i: number) => `127.${i % 2 ? 20 : 10}.3.${i + 1}`;

function nestedFlow(agg: Started, app: AppClient): Flow {
  return async (browser) => {
    const req = authorizeUrl(agg.issuer, app, { prompt: 'none', scope: SCOPE });
    const { redirect } = await browser.follow(req.url, APP_CALLBACK);
    const code = redirect?.searchParams.get('code');
    if (!code) throw new Error(`nested flow failed: ${redirect?.search ?? 'no redirect'}`);
    const token = await redeemCode(`${agg.publicUrl}/token`, agg.issuer, app, code, req.verifier);
    if (token.status !== 200) throw new Error(`token request failed: ${token.status}`);
  };
}

interface TesterClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** sandbox-a's `sandbox-tester` client: a service provider talking to the operator directly. */
function sandboxTester(): TesterClient {
  const tester = loadSandboxConfig('config/sandbox.json').instances[0]!.clients.find(
    (c) => c.clientId === 'sandbox-tester',
  )!;
  return { clientId: tester.clientId, clientSecret: tester.clientSecret! };
}

function singleLevelFlow(issuer: string, client: TesterClient, callback: string): Flow {
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  return async (browser) => {
    const verifier = randomBytes(32).toString('base64url');
    const params = new URLSearchParams({
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: callback,
      scope: SCOPE,
      state: randomUUID(),
      nonce: randomUUID(),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      prompt: 'none',
    });
    const { redirect } = await browser.follow(`${issuer}/auth?${params}`, callback);
    const code = redirect?.searchParams.get('code');
    if (!code) throw new Error(`single-level flow failed: ${redirect?.search ?? 'no redirect'}`);
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callback,
      code_verifier: verifier,
    });
    const res = await request(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: body.toString(),
    });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode}`);
  };
}

/** Runs `flow` from `concurrency` devices for SECONDS after a short warm-up. */
function measurer(child: Child): Measure {
  return async (flow, concurrency, address) => {
    const browsers = Array.from({ length: concurrency }, (_, i) => new DeviceBrowser(address(i)));
    try {
      for (const b of browsers) for (let i = 0; i < 5; i += 1) await flow(b);
      const latencies: number[] = [];
      const before = (await child.ask({ kind: 'snapshot' })) as ProbeSnapshot;
      const load = process.cpuUsage();
      const started = performance.now();
      const until = started + SECONDS * 1000;
      await Promise.all(
        browsers.map(async (b) => {
          while (performance.now() < until) {
            const t0 = performance.now();
            await flow(b);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const loadCpu = process.cpuUsage(load);
      const after = (await child.ask({ kind: 'snapshot' })) as ProbeSnapshot;
      latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
      const n = latencies.length;
      const wal =
        after.walBytes !== undefined && before.walBytes !== undefined
          ? (after.walBytes - before.walBytes) / n
          : undefined;
      return {
        perSecond: n / elapsed,
        p50: at(0.5),
        p99: at(0.99),
        flows: n,
        cpuMs: (after.cpuMs - before.cpuMs) / n,
        queries: (after.queries - before.queries) / n,
        backgroundPerSecond: (after.background - before.background) / elapsed,
        queryWaitMs: (after.queryWaitMs - before.queryWaitMs) / n,
        walBytes: wal,
        loadCpuMs: (loadCpu.user + loadCpu.system) / 1000 / n,
      };
    } finally {
      await Promise.all(browsers.map((b) => b.close()));
    }
  };
}

function report(r: Record<string, Measured>, engine: string): BenchRow[] {
  const row = (
    metric: string,
    value: number,
    unit: string,
    note: string,
    target?: string,
  ): BenchRow => ({ bench: BENCH, metric, value, unit, ...(target ? { target } : {}), note });
  const nested1 = r.nested1!;
  const nested8 = r.nested8!;
  const anchor1 = r.anchor1!;
  const anchor8 = r.anchor8!;
  const sandbox1 = r.sandbox1!;
  const sandbox8 = r.sandbox8!;
  const rows: BenchRow[] = [];
  for (const c of [1, 8]) {
    const [n, a, s] = [r[`nested${c}`]!, r[`anchor${c}`]!, r[`sandbox${c}`]!];
    rows.push(
      row(`nested verifications (c=${c})`, n.perSecond, 'flows/s', engine),
      row(`nested p50 (c=${c})`, n.p50, 'ms', engine),
      row(`nested p99 (c=${c})`, n.p99, 'ms', engine),
      row(`single-level at a sandbox (c=${c})`, s.perSecond, 'flows/s', 'sandbox, in memory'),
      row(`single-level at a sandbox p50 (c=${c})`, s.p50, 'ms', 'sandbox, in memory'),
      row(`single-level on our adapter (c=${c})`, a.perSecond, 'flows/s', engine),
      row(`single-level on our adapter p50 (c=${c})`, a.p50, 'ms', engine),
    );
  }
  const perFlow = (label: string, m: Measured) => [
    row(`${label}: aggregator CPU per flow`, m.cpuMs, 'ms', 'c=1, process.cpuUsage'),
    row(`${label}: sandboxes + client CPU per flow`, m.loadCpuMs, 'ms', 'c=1, bench process'),
    row(`${label}: database round trips per flow`, m.queries, 'queries', 'c=1, counted on pg'),
    row(`${label}: database wait per flow`, m.queryWaitMs, 'ms', 'c=1, sum of round trips'),
    ...(m.walBytes === undefined
      ? []
      : [row(`${label}: WAL written per flow`, m.walBytes, 'bytes', 'c=1, whole server')]),
  ];
  const waiting = nested1.p50 - nested1.cpuMs - nested1.loadCpuMs;
  rows.push(
    ...perFlow('nested', nested1),
    row('nested: wall not spent on CPU (c=1)', waiting, 'ms', 'p50 − both processes’ CPU'),
    ...perFlow('single-level on our adapter', anchor1),
    row('nested: aggregator CPU per flow (c=8)', nested8.cpuMs, 'ms', 'process.cpuUsage'),
    row('single-level on our adapter: CPU per flow (c=8)', anchor8.cpuMs, 'ms', 'same'),
    row(
      'throughput nested/single-level (c=8)',
      nested8.perSecond / sandbox8.perSecond,
      '×',
      'vs the sandbox flow',
      '≥ 0.3',
    ),
    row(
      'p50 nested/single-level (c=1)',
      nested1.p50 / sandbox1.p50,
      '×',
      'vs the sandbox flow',
      '≤ 5',
    ),
    row(
      'throughput nested/single-level on our adapter (c=8)',
      nested8.perSecond / anchor8.perSecond,
      '×',
      'same adapter',
    ),
    row(
      'aggregator CPU nested/single-level',
      nested8.cpuMs / anchor8.cpuMs,
      '×',
      'c=8, same adapter',
      '≤ 2.5',
    ),
    row('database round trips per nested flow', nested8.queries, 'queries', 'c=8', '≤ 10'),
    row(
      'timed batch round trips: rate limiter, leg scorecard (c=8)',
      nested8.backgroundPerSecond,
      'queries/s',
      'timed, not per flow',
    ),
  );
  return rows;
}

async function profile(ctx: BenchContext, child: Child, flow: Flow): Promise<void> {
  const browsers = Array.from({ length: 8 }, (_, i) => new DeviceBrowser(nestedDevice(i)));
  try {
    await child.ask({ kind: 'profile-start' });
    const until = performance.now() + SECONDS * 1000;
    await Promise.all(
      browsers.map(async (b) => {
        while (performance.now() < until) await flow(b);
      }),
    );
    const { frames, packages } = (await child.ask({ kind: 'profile-stop' })) as {
      frames: ProfileFrame[];
      packages: ProfileFrame[];
    };
    const line = (f: ProfileFrame) =>
      `  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.frame}`;
    ctx.log('aggregator CPU profile, nested flows at c=8: top ten self-time frames');
    for (const f of frames) ctx.log(line(f));
    ctx.log('self time by package');
    for (const f of packages) ctx.log(line(f));
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
  }
}

interface Child {
  readonly started: Started;
  ask(req: DistributiveOmit<ProbeRequest, 'id'>): Promise<unknown>;
  stop(): Promise<void>;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

async function startChild(databaseUrl: string): Promise<Child> {
  const proc: ChildProcess = fork(
    fileURLToPath(new URL('./nested-flow-aggregator.ts', import.meta.url)),
    [],
    {
      execArgv: ['--conditions=switchboard-source', '--import', 'tsx'],
      env: { ...process.env, BENCH_NESTED_DATABASE_URL: databaseUrl },
    },
  );
  const waiting = new Map<number, (m: { result?: unknown; error?: string }) => void>();
  let nextId = 1;
  const started = await new Promise<Started>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`aggregator process exited (${code})`)));
    proc.on('message', (m: Started | { id: number; result?: unknown; error?: string }) => {
      if ('kind' in m) resolve(m);
      else waiting.get(m.id)?.(m);
    });
  });
  const ask = (req: DistributiveOmit<ProbeRequest, 'id'>) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, (m) => {
        waiting.delete(id);
        if (m.error) reject(new Error(m.error));
        else resolve(m.result);
      });
      proc.send({ ...req, id });
    });
  return {
    started,
    ask,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      await ask({ kind: 'stop' }).catch(() => {});
      await exited;
    },
  };
}

/** A fresh PostgreSQL database (BENCH_DATABASE_URL or the local server), else PGlite in the child. */
async function benchDatabaseUrl(): Promise<{ url: string; engine: string; drop(): Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `sb_bench_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch {
    return { url: 'pglite:memory', engine: 'pglite', drop: async () => {} };
  } finally {
    await admin.destroy();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    engine: 'postgres',
    async drop() {
      const k = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
      await k.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await k.destroy();
    },
  };
}
