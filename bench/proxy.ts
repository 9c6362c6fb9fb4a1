// CAMARA proxy cost: POST /number-verification/v2/verify with wrk against a trivial
// fixed-answer upstream (its own process), through (a) nothing ('direct'), (b) a bare
// node:http + undici pass-through with no checks ('bare', its own process: the anchor of the
// targets), (c) nginx (1 worker, keep-alive upstream) when installed, and (d) Switchboard
// with a valid token, composed as the aggregator serves it ('switchboard': createPublicProxy
// in the public listener's front slot, in this process). The targets run interleaved, round
// after round (bare, switchboard, nginx, direct, …), and each figure is a median over the
// rounds, so a slow spell of the shared machine hits every target alike.
// BENCH_PROXY_PROFILE=1 adds CPU profiles: the top self-time frames of Switchboard and of the
// bare pass-through under the same load.
// Standalone: `npx tsx bench/proxy.ts`; also a BenchModule (`run`) for bench/run.ts; the
// workers bench imports the starters (startUpstream, startBare, startNginx, startSwitchboard,
// runWrk, writeWrkScript).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { aggregatorTokenAudience, createTokenKeyring, generateTokenKey } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import express from 'express';
import { loadConfig } from '../apps/aggregator/src/config.js';
import { createTrustedProxyCheck } from '../apps/aggregator/src/infra/http/device-ip.js';
import {
  bindListener,
  createPublicApp,
  createStartingApp,
} from '../apps/aggregator/src/infra/http/servers.js';
import { silentLogger } from '../apps/aggregator/src/infra/logging.js';
import { createOperatorEgress } from '../apps/aggregator/src/infra/egress/operator-egress.js';
import { createMetrics } from '../apps/aggregator/src/infra/metrics/metrics.js';
import { createPublicProxy } from '../apps/aggregator/src/proxy/create-public-proxy.js';
import { createRateLimits } from '../apps/aggregator/src/infra/rate-limit/rate-limits.js';
import { UPSTREAM_SOURCE } from './aggregator-stack.js';
import { formatFrames, profileWhile, topSelfFrames, type CpuProfile } from './cpu-profile.js';
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'proxy';
const DURATION_S = Number(process.env.BENCH_PROXY_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 5);
const CONCURRENCY = [1, 32];
const PROFILE = process.env.BENCH_PROXY_PROFILE === '1';
/** Where to keep the two .cpuprofile files (open them in Chrome DevTools); not kept otherwise. */
const PROFILE_OUT = process.env.BENCH_PROXY_PROFILE_OUT;

/** A running server of the bench: its base URL and how to stop it. */
export interface Started {
  readonly url: string;
  /** The process serving it, when it is not this one. */
  readonly pid?: number | undefined;
  stop(): Promise<void>;
}

// The anchor: node:http + undici's Pool, no checks at all, in its own process. It buffers the
// body as any proxy that inspects it must. SIGTERM exits normally, so --cpu-prof can write.
const BARE_SOURCE = `
const http = require('node:http');
const pool = new (require('undici').Pool)(process.argv[1], { connections: 64 });
process.on('SIGTERM', () => process.exit(0));
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const headers = { 'content-type': req.headers['content-type'], authorization: 'Bearer op' };
    const r = await pool.request({ path: req.url, method: req.method, headers, body: Buffer.concat(chunks) });
    const body = Buffer.from(await r.body.arrayBuffer());
    res.writeHead(r.statusCode, { 'content-type': r.headers['content-type'], 'content-length': body.length });
    res.end(body);
  });
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });`;

/** The same request for every target; only Switchboard's rows need a real token. */
const wrkScript = (bearer: string) => `
wrk.method = "POST"
wrk.body = '{"phoneNumber":"+34600000000"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${bearer}"`;

/** Writes the wrk script of the bench's request into `dir`; returns its path. */
export function writeWrkScript(dir: string, bearer: string): string {
  const file = path.join(dir, 'verify.lua');
  fs.writeFileSync(file, wrkScript(bearer));
  return file;
}

export interface WrkResult {
  readonly connections: number;
  readonly rps: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function startChild(
  command: string,
  args: string[],
): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}`)));
  });
  return { child, firstLine };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function startNodeChild(source: string, args: string[], nodeFlags: string[] = []) {
  const { child, firstLine } = startChild(process.execPath, [...nodeFlags, '-e', source, ...args]);
  const port = Number(await firstLine);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopChild(child) };
}

/** The trivial operator: answers every call with a fixed 200 JSON body. */
export function startUpstream(): Promise<Started> {
  return startNodeChild(UPSTREAM_SOURCE, []);
}

/** The bare node:http + undici pass-through to `upstreamUrl`; `nodeFlags` e.g. --cpu-prof. */
export function startBare(upstreamUrl: string, nodeFlags: string[] = []): Promise<Started> {
  return startNodeChild(BARE_SOURCE, [upstreamUrl], nodeFlags);
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

/** One wrk run (1 thread) against `url`; rejects on socket errors or non-2xx answers. */
export function runWrk(
  url: string,
  connections: number,
  script: string,
  seconds = DURATION_S,
): Promise<WrkResult> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', () => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const total = /(\d+) requests in/.exec(out);
      const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
      const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      if (!rps?.[1] || !total?.[1] || !p50?.[1] || !p99?.[1] || non2xx) {
        reject(new Error(`wrk failed for ${url}:\n${out}`));
        return;
      }
      resolve({
        connections,
        rps: Number(rps[1]),
        requests: Number(total[1]),
        p50Ms: toMs(p50[1], p50[2]!),
        p99Ms: toMs(p99[1], p99[2]!),
      });
    });
  });
}

function nginxConfig(
  dir: string,
  listenPort: number,
  upstreamPort: number,
  workers: number,
): string {
  return `worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream operator { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${listenPort};
    location / { proxy_pass http://operator; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}`;
}

export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function untilListening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(Boolean(socket.end())));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

/** nginx as a plain reverse proxy to the upstream (`workers` processes); undefined if absent. */
export async function startNginx(
  dir: string,
  upstreamPort: number,
  workers = 1,
): Promise<Started | undefined> {
  if (spawnSync('which', ['nginx']).status !== 0) return undefined;
  const port = await freePort();
  const conf = path.join(dir, `nginx-${port}.conf`);
  fs.writeFileSync(conf, nginxConfig(dir, port, upstreamPort, workers));
  const child = spawn('nginx', ['-c', conf, '-p', dir, '-g', 'daemon off;'], { stdio: 'inherit' });
  await untilListening(port);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopChild(child) };
}

/**
 * Switchboard as the aggregator serves it (app.ts): the public express app behind
 * `bindListener`, the proxy from `createPublicProxy` in the listener's front slot, production
 * defaults from `loadConfig`, a real AggregatorAccessToken (JWE, decrypted by the real
 * verifier). Only the storage ports are in memory: the usage sink and the rate-limit store
 * (production writes those asynchronously, in batches), the key ring (production caches it).
 */
export async function startSwitchboard(
  upstreamUrl: string,
): Promise<Started & { readonly bearer: string }> {
  // Rate limits on, as in production, with limits the bench never reaches: it measures the
  // per-request counting (two buckets per call), not refusals.
  // wrk replays one token, and NV tokens are single use by default (CAMARA NV 2.1): the bench
  // turns that off, so it measures the pass-through, not 401s. In production the single-use
  // check adds one database insert per NV call.
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    PROXY_SINGLE_USE_TOKENS: 'false',
    RATE_LIMIT_PROXY_PER_IP: '1000000000',
    RATE_LIMIT_PROXY_PER_CLIENT: '1000000000',
  });
  const limits = createRateLimits(config.rateLimit, {
    store: { add: async (_w, _e, deltas) => deltas, deleteExpired: async () => undefined },
  });
  const isTrustedProxy = createTrustedProxyCheck(config.trustProxy);
  const pub = await bindListener(
    config.host,
    config.port,
    config.http,
    createStartingApp(express.Router(), isTrustedProxy),
  );
  const egress = createOperatorEgress({ timeoutMs: config.operatorTimeoutMs, devMode: false });
  const benchOperator = {
    id: 'bench-operator',
    issuerUrl: upstreamUrl,
    apiRoot: upstreamUrl,
    allowInsecureHttp: true,
  };
  const keyring = createTokenKeyring([generateTokenKey()]);
  const spent = new Set<string>();
  const proxy = createPublicProxy(config, {
    issuer: pub.url,
    // As the key service answers while its cache is fresh (keys/key-service.ts).
    keys: { tokenKeyring: async () => keyring, cachedTokenKeyring: () => keyring },
    jtiStore: {
      consume: async (jti) => !spent.has(jti) && Boolean(spent.add(jti)),
      giveBack: async (jti) => void spent.delete(jti),
    },
    isRegisteredApiRoot: (operatorId, apiRoot) =>
      operatorId === 'bench-operator' && apiRoot === upstreamUrl,
    // As in production: connections through the operator egress (a loopback operator an
    // admin registered as insecure, as the sandboxes are).
    connections: (_operatorId, connectTimeoutMs) =>
      egress.proxyConnection(benchOperator, connectTimeoutMs),
    usageSink: { insertBatch: async () => undefined },
    limits,
    metrics: createMetrics(),
    logger: silentLogger,
  });
  pub.serve(
    createPublicApp({
      health: express.Router(),
      routes: [],
      isTrustedProxy,
      reporting: { logger: silentLogger },
    }),
    proxy.front,
  );
  const iat = Math.floor(Date.now() / 1000);
  const bearer = await mintAggregatorAccessToken(
    {
      iss: pub.url,
      aud: aggregatorTokenAudience(pub.url),
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
    keyring,
  );
  return {
    url: pub.url,
    bearer,
    stop: async () => {
      await pub.close(0);
      await proxy.close();
      await egress.close();
      await limits.stop();
    },
  };
}

type Target = 'bare' | 'switchboard' | 'nginx' | 'direct';

interface Sample extends WrkResult {
  readonly target: Target;
  readonly round: number;
  /** CPU time of the serving process per answered call (bare and switchboard only). */
  readonly cpuUsPerCall: number | undefined;
}

/** User + system CPU ms of a process: this one via cpuUsage, another from /proc (Linux). */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of proc(5), in clock ticks (USER_HZ = 100).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function measureOnce(
  target: Target,
  server: Started,
  connections: number,
  script: string,
  round: number,
): Promise<Sample> {
  const url = `${server.url}/number-verification/v2/verify`;
  const ownCpu = target === 'switchboard' || target === 'bare';
  const pid = target === 'switchboard' ? undefined : server.pid;
  const before = ownCpu ? cpuMs(pid) : undefined;
  const result = await runWrk(url, connections, script);
  const after = ownCpu ? cpuMs(pid) : undefined;
  const cpuUsPerCall =
    before !== undefined && after !== undefined && result.requests > 0
      ? ((after - before) * 1000) / result.requests
      : undefined;
  return { ...result, target, round, cpuUsPerCall };
}

/** Top self-time frames of Switchboard (in this process) and of the bare pass-through. */
async function profileBoth(
  switchboard: Started,
  upstreamUrl: string,
  script: string,
  dir: string,
): Promise<string> {
  const url = (base: string): string => `${base}/number-verification/v2/verify`;
  const sb = await profileWhile(() => runWrk(url(switchboard.url), 32, script));
  if (PROFILE_OUT)
    fs.writeFileSync(path.join(PROFILE_OUT, 'switchboard.cpuprofile'), JSON.stringify(sb.profile));
  const profDir = path.join(dir, 'bare-profile');
  const bare = await startBare(upstreamUrl, [`--cpu-prof`, `--cpu-prof-dir=${profDir}`]);
  // The profile covers the process's whole life: a warm-up first, so start-up and JIT
  // compilation are a small part of it, as they are of Switchboard's (warmed up earlier).
  await runWrk(url(bare.url), 32, script, 2);
  const bareRun = await runWrk(url(bare.url), 32, script);
  await bare.stop();
  const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (PROFILE_OUT && file)
    fs.copyFileSync(path.join(profDir, file), path.join(PROFILE_OUT, 'bare.cpuprofile'));
  const bareProfile = file
    ? (JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile)
    : undefined;
  return [
    formatFrames(`switchboard, c=32, ${sb.result.rps.toFixed(0)} req/s`, topSelfFrames(sb.profile)),
    bareProfile
      ? formatFrames(`bare, c=32, ${bareRun.rps.toFixed(0)} req/s`, topSelfFrames(bareProfile))
      : '# bare: no profile written',
  ].join('\n');
}

async function measureAll(ctx: BenchContext): Promise<Sample[]> {
  if (spawnSync('which', ['wrk']).status !== 0)
    throw new Error('wrk is not installed (apt-get install -y wrk)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-proxy-'));
  const started: Started[] = [];
  const keep = <T extends Started | undefined>(s: T): T => (s && started.push(s), s);
  try {
    const upstream = keep(await startUpstream());
    const bare = keep(await startBare(upstream.url));
    const nginx = keep(await startNginx(dir, Number(new URL(upstream.url).port)));
    const switchboard = keep(await startSwitchboard(upstream.url));
    // Every target gets the same request; the others ignore the (equally long) token.
    const script = writeWrkScript(dir, switchboard.bearer);
    const targets: [Target, Started][] = [
      ['bare', bare],
      ['switchboard', switchboard],
      ...(nginx ? ([['nginx', nginx]] as [Target, Started][]) : []),
      ['direct', upstream],
    ];
    for (const [target, server] of targets) {
      ctx.log(`warm-up ${target}`); // JIT, pools, token cache
      await runWrk(`${server.url}/number-verification/v2/verify`, 32, script, 2);
    }
    const samples: Sample[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const connections of CONCURRENCY) {
        for (const [target, server] of targets) {
          ctx.log(`round ${round + 1}/${ROUNDS} wrk ${target} c=${connections}`);
          samples.push(await measureOnce(target, server, connections, script, round));
        }
      }
    }
    if (PROFILE) ctx.log(await profileBoth(switchboard, upstream.url, script, dir));
    return samples;
  } finally {
    for (const s of started.reverse()) await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function pick(samples: readonly Sample[], target: Target, connections: number): Sample[] {
  return samples.filter((s) => s.target === target && s.connections === connections);
}

/** The median over rounds of `f(a, b)`, a and b from the same round. */
function paired(
  samples: readonly Sample[],
  a: Target,
  b: Target,
  connections: number,
  f: (x: Sample, y: Sample) => number,
): number | undefined {
  const ys = pick(samples, b, connections);
  return median(
    pick(samples, a, connections).flatMap((x) => {
      const y = ys.find((s) => s.round === x.round);
      return y ? [f(x, y)] : [];
    }),
  );
}

const rpsRatio = (x: Sample, y: Sample): number => x.rps / y.rps;
const p50Gap = (x: Sample, y: Sample): number => x.p50Ms - y.p50Ms;

/** The rows with targets and the same-run anchors, each a median of per-round pairs. */
function derivedRows(samples: readonly Sample[]): BenchRow[] {
  const rows: [string, number | undefined, string, string?][] = [
    [
      'switchboard / bare pass-through req/s, c=32',
      paired(samples, 'switchboard', 'bare', 32, rpsRatio),
      '×',
      '≥ 0.8',
    ],
    [
      'added p50 − bare added p50, c=1',
      paired(samples, 'switchboard', 'bare', 1, p50Gap),
      'ms',
      '≤ 0.05',
    ],
    ['switchboard / nginx req/s, c=32', paired(samples, 'switchboard', 'nginx', 32, rpsRatio), '×'],
    ['bare / nginx req/s, c=32', paired(samples, 'bare', 'nginx', 32, rpsRatio), '×'],
    ['switchboard added p50, c=1', paired(samples, 'switchboard', 'direct', 1, p50Gap), 'ms'],
    ['bare added p50, c=1', paired(samples, 'bare', 'direct', 1, p50Gap), 'ms'],
    ['nginx added p50, c=1', paired(samples, 'nginx', 'direct', 1, p50Gap), 'ms'],
    [
      'switchboard / bare CPU per call, c=32',
      paired(samples, 'switchboard', 'bare', 32, (x, y) =>
        x.cpuUsPerCall !== undefined && y.cpuUsPerCall ? x.cpuUsPerCall / y.cpuUsPerCall : NaN,
      ),
      '×',
    ],
  ];
  return rows.flatMap(([metric, value, unit, target]) =>
    value === undefined || Number.isNaN(value)
      ? []
      : [{ bench: BENCH, metric, value, unit, ...(target ? { target } : {}) }],
  );
}

/** Raw medians per target and concurrency (no targets: they only mean something as ratios). */
function rawRows(samples: readonly Sample[]): BenchRow[] {
  const targets = [...new Set(samples.map((s) => s.target))];
  return CONCURRENCY.flatMap((c) =>
    targets.flatMap((target): BenchRow[] => {
      const of = pick(samples, target, c);
      const row = (metric: string, values: number[], unit: string): BenchRow[] => {
        const value = median(values);
        return value === undefined ? [] : [{ bench: BENCH, metric, value, unit }];
      };
      const cpu = of.flatMap((s) => (s.cpuUsPerCall === undefined ? [] : [s.cpuUsPerCall]));
      return [
        ...row(
          `${target} req/s, c=${c}`,
          of.map((s) => s.rps),
          'req/s',
        ),
        ...row(
          `${target} p50, c=${c}`,
          of.map((s) => s.p50Ms),
          'ms',
        ),
        ...row(
          `${target} p99, c=${c}`,
          of.map((s) => s.p99Ms),
          'ms',
        ),
        ...(c === 32 ? row(`${target} CPU per call, c=${c}`, cpu, 'µs') : []),
      ];
    }),
  );
}

function toRows(samples: readonly Sample[]): BenchRow[] {
  const note = `median of ${ROUNDS} interleaved rounds of ${DURATION_S} s`;
  return [...derivedRows(samples), ...rawRows(samples)].map((r) => (r.target ? { ...r, note } : r));
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  return toRows(await measureAll(ctx));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const ctx: BenchContext = { gc: () => undefined, log: (l) => process.stderr.write(`${l}\n`) };
  for (const r of toRows(await measureAll(ctx)))
    process.stdout.write(
      `${r.metric}: ${r.value.toFixed(3)} ${r.unit}${r.target ? ` (target ${r.target})` : ''}\n`,
    );
}
