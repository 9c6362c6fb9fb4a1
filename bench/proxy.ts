// CAMARA proxy cost: POST /number-verification/v2/verify with wrk against a
// trivial fixed-answer upstream, (a) direct, (b) through nginx (1 worker, keep-alive
// upstream) when installed, (c) a naive undici proxy for scale, (d) through Switchboard with
// a valid token, composed as the aggregator serves it ('switchboard': createPublicProxy in
// the public listener's front slot).
// Standalone: `npx tsx bench/proxy.ts`; also a BenchModule (`run`) for bench/run.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'proxy';
const DURATION_S = Number(process.env.BENCH_PROXY_SECONDS ?? 5);
const CONCURRENCY = [1, 32];
/** Comma-separated subset of the targets (e.g. to profile one of them). */
const ONLY = process.env.BENCH_PROXY_TARGETS?.split(',');

// The upstream runs in its own process so it does not share the proxy's event loop.
const UPSTREAM_SOURCE = `
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

// For scale: a naive undici proxy in its own process.
const NAIVE_SOURCE = `
const http = require('node:http');
const pool = new (require('undici').Pool)(process.argv[1], { connections: 64 });
http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const headers = { 'content-type': req.headers['content-type'], authorization: 'Bearer op' };
  const r = await pool.request({ path: req.url, method: req.method, headers, body: Buffer.concat(chunks) });
  const body = Buffer.from(await r.body.arrayBuffer());
  res.writeHead(r.statusCode, { 'content-type': r.headers['content-type'] });
  res.end(body);
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });`;

/** The same request for every target; only Switchboard's rows need a real token. */
const wrkScript = (bearer: string) => `
wrk.method = "POST"
wrk.body = '{"phoneNumber":"+34600000000"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${bearer}"`;

interface Measurement {
  target: string;
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

function startChild(
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

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

function runWrk(
  url: string,
  connections: number,
  script: string,
): Promise<Omit<Measurement, 'target'>> {
  const args = ['-t1', `-c${connections}`, `-d${DURATION_S}s`, '--latency', '-s', script, url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', () => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
      const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      if (!rps?.[1] || !p50?.[1] || !p99?.[1] || non2xx) {
        reject(new Error(`wrk failed for ${url}:\n${out}`));
        return;
      }
      resolve({
        connections,
        rps: Number(rps[1]),
        p50Ms: toMs(p50[1], p50[2]!),
        p99Ms: toMs(p99[1], p99[2]!),
      });
    });
  });
}

function nginxConfig(dir: string, listenPort: number, upstreamPort: number): string {
  return `worker_processes 1;
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

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function startNginx(
  dir: string,
  upstreamPort: number,
): Promise<{ url: string; stop(): void } | undefined> {
  if (spawnSync('which', ['nginx']).status !== 0) return undefined;
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, nginxConfig(dir, port, upstreamPort));
  const child = spawn('nginx', ['-c', conf, '-p', dir, '-g', 'daemon off;'], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 300));
  return { url: `http://127.0.0.1:${port}`, stop: () => void child.kill('SIGTERM') };
}

/**
 * Switchboard as the aggregator serves it (app.ts): the public express app behind
 * `bindListener`, the proxy from `createPublicProxy` in the listener's front slot, production
 * defaults from `loadConfig`, a real AggregatorAccessToken (JWE, decrypted by the real
 * verifier). Only the storage ports are in memory: the usage sink and the rate-limit store
 * (production writes those asynchronously, in batches), the key ring (production caches it).
 */
async function startSwitchboard(
  upstreamUrl: string,
): Promise<{ url: string; bearer: string; stop(): Promise<void> }> {
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
    keys: { tokenKeyring: async () => keyring },
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

async function measureAll(ctx: BenchContext): Promise<Measurement[]> {
  if (spawnSync('which', ['wrk']).status !== 0)
    throw new Error('wrk is not installed (apt-get install -y wrk)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-proxy-'));
  const writeScript = (name: string, bearer: string): string => {
    const file = path.join(dir, `${name}.lua`);
    fs.writeFileSync(file, wrkScript(bearer));
    return file;
  };
  const upstream = startChild(process.execPath, ['-e', UPSTREAM_SOURCE]);
  const upstreamPort = Number(await upstream.firstLine);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const nginx = await startNginx(dir, upstreamPort);
  const naive = startChild(process.execPath, ['-e', NAIVE_SOURCE, upstreamUrl]);
  const naiveUrl = `http://127.0.0.1:${await naive.firstLine}`;
  const switchboard = await startSwitchboard(upstreamUrl);
  // Every row sends the same request; the others ignore the (equally long) token.
  const script = writeScript('verify', switchboard.bearer);
  const targets: [string, string, string][] = [
    ['direct', upstreamUrl, script],
    ...(nginx ? ([['nginx', nginx.url, script]] as [string, string, string][]) : []),
    ['naive-node', naiveUrl, script],
    ['switchboard', switchboard.url, script],
  ];
  const results: Measurement[] = [];
  try {
    for (const [target, base, script] of targets) {
      if (ONLY && !ONLY.includes(target)) continue;
      const url = `${base}/number-verification/v2/verify`;
      await runWrk(url, 32, script).catch(() => undefined); // warm-up (JIT, pools)
      for (const connections of CONCURRENCY) {
        ctx.log(`wrk ${target} c=${connections}`);
        results.push({ target, ...(await runWrk(url, connections, script)) });
      }
    }
  } finally {
    await switchboard.stop();
    nginx?.stop();
    upstream.child.kill('SIGTERM');
    naive.child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

function find(
  results: Measurement[],
  target: string,
  connections: number,
): Measurement | undefined {
  return results.find((m) => m.target === target && m.connections === connections);
}

type Pick2 = [target: string, connections: number];
/** Derived figures: [metric, numerator, denominator, kind, target]. */
const DERIVED: [string, Pick2, Pick2, 'rps-ratio' | 'added-p50', string?][] = [
  ['switchboard / direct c=32', ['switchboard', 32], ['direct', 32], 'rps-ratio'],
  ['nginx / direct c=32', ['nginx', 32], ['direct', 32], 'rps-ratio'],
  ['switchboard / nginx c=32', ['switchboard', 32], ['nginx', 32], 'rps-ratio', '≥ 0.8'],
  ['switchboard / naive-node c=32', ['switchboard', 32], ['naive-node', 32], 'rps-ratio'],
  ['nginx added p50 c=1', ['nginx', 1], ['direct', 1], 'added-p50'],
  ['naive-node added p50 c=1', ['naive-node', 1], ['direct', 1], 'added-p50'],
  ['switchboard added p50 c=1', ['switchboard', 1], ['direct', 1], 'added-p50', '≤ 0.15'],
];

function derivedRows(results: Measurement[]): BenchRow[] {
  return DERIVED.flatMap(([metric, a, b, kind, target]) => {
    const x = find(results, ...a);
    const y = find(results, ...b);
    if (!x || !y) return [];
    const value = kind === 'rps-ratio' ? x.rps / y.rps : x.p50Ms - y.p50Ms;
    const unit = kind === 'rps-ratio' ? '×' : 'ms';
    return [{ bench: BENCH, metric, value, unit, ...(target ? { target } : {}) }];
  });
}

function toRows(results: Measurement[]): BenchRow[] {
  const measured = results.flatMap((m): BenchRow[] => [
    {
      bench: BENCH,
      metric: `${m.target} c=${m.connections} throughput`,
      value: m.rps,
      unit: 'req/s',
    },
    { bench: BENCH, metric: `${m.target} c=${m.connections} p50`, value: m.p50Ms, unit: 'ms' },
    { bench: BENCH, metric: `${m.target} c=${m.connections} p99`, value: m.p99Ms, unit: 'ms' },
  ]);
  return [...measured, ...derivedRows(results)];
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  return toRows(await measureAll(ctx));
}

function printTable(results: Measurement[]): void {
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(12) : c.padStart(12))).join(' ');
  const out = [line(['target', 'connections', 'req/s', 'p50 ms', 'p99 ms', '× direct', '× nginx'])];
  for (const m of results) {
    const direct = find(results, 'direct', m.connections);
    const nginx = find(results, 'nginx', m.connections);
    out.push(
      line([
        m.target,
        String(m.connections),
        m.rps.toFixed(0),
        m.p50Ms.toFixed(3),
        m.p99Ms.toFixed(3),
        direct ? (m.rps / direct.rps).toFixed(2) : '',
        nginx ? (m.rps / nginx.rps).toFixed(2) : '',
      ]),
    );
  }
  for (const r of derivedRows(results))
    out.push(
      `${r.metric}: ${r.value.toFixed(3)} ${r.unit}${r.target ? ` (target ${r.target})` : ''}`,
    );
  process.stdout.write(`${out.join('\n')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const ctx: BenchContext = { gc: () => undefined, log: (l) => process.stderr.write(`${l}\n`) };
  printTable(await measureAll(ctx));
}
