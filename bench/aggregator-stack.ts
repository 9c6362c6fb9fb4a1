// What the multi-process benches (workers, scale) share: a fresh PostgreSQL database prepared by
// an in-process aggregator, the real aggregator (`main.ts`) as its own OS processes, a trivial
// upstream, nginx and wrk, and per-process CPU and memory read from /proc (Linux).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import knexFactory from 'knex';
import { createDatabase } from '@switchboard/db';
import type { Aggregator } from '@switchboard/aggregator';
import { aggregatorTokenAudience } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import {
  SANDBOX_APIS,
  startTestAggregator,
} from '@switchboard/aggregator/test-support/core-fixture';

/** Settings every bench aggregator runs with (the in-process preparer and the spawned ones). */
export const BENCH_ENV: Readonly<Record<string, string>> = {
  // wrk replays one token: NV tokens are single use by default (CAMARA NV 2.1).
  PROXY_SINGLE_USE_TOKENS: 'false',
  // The load comes from a few loopback addresses; the benches measure work, not refusals.
  RATE_LIMIT_ENABLED: 'false',
  // The operators (sandboxes, the bench upstream) are on loopback over http.
  OPERATOR_DEV_MODE: 'true',
  LOG_LEVEL: 'error',
};

export interface BenchPostgres {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh database on BENCH_DATABASE_URL or the local server; undefined when none answers. */
export async function createBenchPostgres(): Promise<BenchPostgres | undefined> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `sb_bench_${randomBytes(4).toString('hex')}`;
  const admin = () => knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
  const k = admin();
  try {
    await k.raw(`CREATE DATABASE ${name}`);
  } catch {
    return undefined;
  } finally {
    await k.destroy();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const d = admin();
      await d.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.destroy();
    },
  };
}

/** Migrates and seeds `url` with an in-process aggregator serving as `issuer`, then stops it. */
export async function prepareDatabase<T>(
  url: string,
  issuer: string,
  setup: (agg: Aggregator) => Promise<T>,
): Promise<T> {
  const database = await createDatabase(url, { poolMax: 5 });
  const agg = await startTestAggregator(database, issuer, { ...BENCH_ENV });
  try {
    return await setup(agg);
  } finally {
    await agg.stop();
    await database.close();
  }
}

/**
 * Registers `bench-operator` (API root: the bench upstream) and returns a long-lived
 * AggregatorAccessToken for it, sealed with the stored token key, as a proxy bearer.
 */
export async function benchOperatorToken(
  agg: Aggregator,
  issuer: string,
  upstreamUrl: string,
): Promise<string> {
  await agg.operators.create(
    {
      id: 'bench-operator',
      name: 'Bench upstream',
      country: 'ES',
      clientId: 'switchboard',
      issuerUrl: upstreamUrl,
      apiRoot: upstreamUrl,
      allowInsecureHttp: true,
      supportedApis: SANDBOX_APIS,
      credentials: { method: 'client_secret_basic', clientSecret: 'bench-secret' },
    },
    { kind: 'admin', id: 'bench' },
  );
  const iat = Math.floor(Date.now() / 1000);
  return mintAggregatorAccessToken(
    {
      iss: issuer,
      aud: aggregatorTokenAudience(issuer),
      iat,
      exp: iat + 3_600,
      jti: 'bench-token',
      client_id: 'bench-client',
      scope: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
      sub: 'bench-subject',
      operator_id: 'bench-operator',
      api_root: upstreamUrl,
      operator_access_token: 'operator-token',
    },
    await agg.keys.tokenKeyring(),
  );
}

export interface SpawnedAggregator {
  readonly url: string;
  /** The processes that serve: the single process, or the workers (not the idle primary). */
  readonly servingPids: readonly number[];
  /** Every process: the workers and the primary. */
  readonly allPids: readonly number[];
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `main.ts` as an operator runs it, with SWITCHBOARD_WORKERS=`workers`, on `port`. */
export async function spawnAggregator(o: {
  databaseUrl: string;
  port: number;
  issuer: string;
  workers: number;
  env?: Record<string, string>;
}): Promise<SpawnedAggregator> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/aggregator/src/main.ts'], {
    env: {
      ...process.env,
      ...BENCH_ENV,
      NODE_OPTIONS: '',
      HOST: '127.0.0.1',
      PORT: String(o.port),
      ADMIN_PORT: String(await freePort()),
      ISSUER: o.issuer,
      DATABASE_URL: o.databaseUrl,
      SWITCHBOARD_WORKERS: String(o.workers),
      SWITCHBOARD_DATA_DIR: path.join('.data', `bench-${o.port}`),
      SWITCHBOARD_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (/public API/.test(out)) {
        clearInterval(check);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(check);
      reject(new Error(`aggregator exited (${code}) before serving:\n${out}`));
    });
  });
  const workerPids = /pids ([\d, ]+); primary (\d+)/.exec(out);
  const serving = workerPids ? workerPids[1]!.split(', ').map(Number) : [child.pid!];
  return {
    url: `http://127.0.0.1:${o.port}`,
    servingPids: serving,
    allPids: workerPids ? [...serving, Number(workerPids[2])] : serving,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

// A fixed-answer NV operator in its own process, so it does not share anyone's event loop
// (bench/proxy.ts and bench/tracing.ts start the same one).
export const UPSTREAM_SOURCE = `
const http = require('node:http');
const body = JSON.stringify({ devicePhoneNumberVerified: true });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-correlator': req.headers['x-correlator'] || 'c' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;

export interface Upstream {
  readonly url: string;
  readonly port: number;
  stop(): void;
}

export async function startUpstream(): Promise<Upstream> {
  const child: ChildProcess = spawn(process.execPath, ['-e', UPSTREAM_SOURCE], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`upstream exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, port, stop: () => void child.kill('SIGTERM') };
}

/** Why a tool cannot be used, or undefined when it is on the PATH. */
export function missingTool(name: string): string | undefined {
  return spawnSync('which', [name]).status === 0
    ? undefined
    : `${name} is not installed (apt-get install -y ${name === 'nginx' ? 'nginx-light' : name})`;
}

/** nginx as a keep-alive reverse proxy to `upstreamPort` with `workers` worker processes. */
export async function startNginx(
  dir: string,
  upstreamPort: number,
  workers: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const root = path.join(dir, `nginx-${workers}`);
  fs.mkdirSync(root, { recursive: true });
  const conf = path.join(root, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `worker_processes ${workers};
pid ${root}/nginx.pid;
error_log ${root}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${root}/body; proxy_temp_path ${root}/proxy;
  fastcgi_temp_path ${root}/fastcgi; uwsgi_temp_path ${root}/uwsgi; scgi_temp_path ${root}/scgi;
  upstream operator { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://operator; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', root, '-g', 'daemon off;'], { stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/`).catch(() => undefined)) !== undefined);
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function waitUntil(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** wrk POSTing an NV verify with `bearer`, `connections` connections over two threads. */
export function runWrk(
  url: string,
  o: { connections: number; seconds: number; bearer: string; dir: string },
): Promise<WrkResult> {
  const script = path.join(o.dir, 'verify.lua');
  fs.writeFileSync(
    script,
    `wrk.method = "POST"
wrk.body = '{"phoneNumber":"+34600000000"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${o.bearer}"`,
  );
  const args = ['-t2', `-c${o.connections}`, `-d${o.seconds}s`, '--latency', '-s', script, url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', () => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
      const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
      if (!rps?.[1] || !p50?.[1] || !p99?.[1] || /Non-2xx/.test(out)) {
        reject(new Error(`wrk failed for ${url}:\n${out}`));
        return;
      }
      resolve({ rps: Number(rps[1]), p50Ms: toMs(p50[1], p50[2]!), p99Ms: toMs(p99[1], p99[2]!) });
    });
  });
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** User + system CPU of `pids` so far, in ms (/proc/<pid>/stat); a gone process counts 0. */
export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Resident set size of `pid` in MB (/proc/<pid>/status VmRSS). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) / 1024 : 0;
}
