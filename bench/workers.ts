// SWITCHBOARD_WORKERS (issue 16, part 3): req/s of the proxied POST NV verify through the real
// aggregator (`main.ts`, PostgreSQL) with 1 and 2 workers, next to nginx with 1 and 2 workers as
// anchors, all in one run against the same fixed-answer upstream, wrk c=32.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  benchOperatorToken,
  createBenchPostgres,
  freePort,
  missingTool,
  prepareDatabase,
  runWrk,
  spawnAggregator,
  startNginx,
  startUpstream,
  type WrkResult,
} from './aggregator-stack.js';
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'workers';
const SECONDS = Number(process.env.BENCH_WORKERS_SECONDS ?? 5);
const CONNECTIONS = 32;
/** Said beside every figure: on a 2-core machine, wrk and the upstream take cores the workers would use. */
const machine = () =>
  `${os.availableParallelism()} cores shared by wrk, the upstream and the proxy; load average ${os.loadavg()[0]!.toFixed(1)}`;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const missing = missingTool('wrk') ?? missingTool('nginx');
  if (missing) return [skipRow(missing)];
  const pg = await createBenchPostgres();
  if (!pg) return [skipRow('no PostgreSQL (BENCH_DATABASE_URL); PGlite cannot run workers')];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-workers-'));
  const upstream = await startUpstream();
  try {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const bearer = await prepareDatabase(pg.url, issuer, (agg) =>
      benchOperatorToken(agg, issuer, upstream.url),
    );
    const results = new Map<string, WrkResult>();
    const measure = async (name: string, url: string) => {
      const target = `${url}/number-verification/v2/verify`;
      await runWrk(target, { connections: CONNECTIONS, seconds: 2, bearer, dir }); // warm-up
      ctx.log(`wrk ${name} c=${CONNECTIONS}`);
      results.set(name, await runWrk(target, { connections: CONNECTIONS, seconds: SECONDS, bearer, dir })); // prettier-ignore
    };
    for (const workers of [1, 2]) {
      const nginx = await startNginx(dir, upstream.port, workers);
      try {
        await measure(`nginx ${workers}w`, nginx.url);
      } finally {
        await nginx.stop();
      }
      const sb = await spawnAggregator({ databaseUrl: pg.url, port, issuer, workers });
      try {
        await measure(`switchboard ${workers}w`, sb.url);
      } finally {
        await sb.stop();
      }
    }
    return rows(results);
  } finally {
    upstream.stop();
    await pg.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function skipRow(reason: string): BenchRow {
  return { bench: BENCH, metric: 'skipped', value: 0, unit: '', note: reason };
}

function rows(results: Map<string, WrkResult>): BenchRow[] {
  const out: BenchRow[] = [];
  for (const [name, r] of results) {
    out.push({ bench: BENCH, metric: `${name} c=${CONNECTIONS} throughput`, value: r.rps, unit: 'req/s', note: machine() }); // prettier-ignore
    out.push({ bench: BENCH, metric: `${name} c=${CONNECTIONS} p50`, value: r.p50Ms, unit: 'ms' });
  }
  const ratio = (metric: string, a: string, b: string) => {
    const x = results.get(a);
    const y = results.get(b);
    if (x && y)
      out.push({ bench: BENCH, metric, value: x.rps / y.rps, unit: '×', note: machine() });
  };
  ratio('switchboard 2w / 1w', 'switchboard 2w', 'switchboard 1w');
  ratio('nginx 2w / 1w', 'nginx 2w', 'nginx 1w');
  ratio('switchboard 1w / nginx 1w', 'switchboard 1w', 'nginx 1w');
  ratio('switchboard 2w / nginx 2w', 'switchboard 2w', 'nginx 2w');
  return out;
}
