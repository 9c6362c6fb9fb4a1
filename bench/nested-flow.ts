// Whole nested verifications (authorize → operator → callback → token, seed Annex steps
// 1–20) against two sandbox operators, next to a single-level authorization-code flow
// against one sandbox alone, at concurrency 1 and 8.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { loadSandboxConfig } from '@switchboard/operator-sandbox';
import type { Aggregator } from '@switchboard/aggregator';
import {
  APP_CALLBACK,
  authorizeUrl,
  redeemCode,
  registerApp,
  registerOperators,
  SERVICE,
  startSandboxes,
  startTestAggregator,
  type AppClient,
} from '@switchboard/aggregator/test-support/core-fixture';
import { DeviceBrowser } from '@switchboard/aggregator/test-support/device-browser';
import { openDatabase } from './bench-database.js';
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'nested-flow';
const SECONDS = 3;
const SCOPE = `openid ${SERVICE} number-verification:verify`;
const TESTER_CALLBACK = 'http://127.0.0.1:3999/callback';

type Flow = (browser: DeviceBrowser) => Promise<void>;

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const { database, engine, drop } = await openDatabase();
  ctx.log(`nested flow on ${engine}`);
  const agg = await startTestAggregator(database);
  const sandboxes = await startSandboxes(agg.issuer);
  try {
    await registerOperators(agg, sandboxes[0]!.url, sandboxes[1]!.url);
    const app = await registerApp(agg, 'key');
    const nested = nestedFlow(agg, app);
    const single = singleLevelFlow(sandboxes[0]!.url);
    const rows: BenchRow[] = [];
    for (const concurrency of [1, 8]) {
      ctx.log(`nested and single-level flows, concurrency ${concurrency}`);
      const n = await measure(nested, concurrency, (i) => `127.${i % 2 ? 20 : 10}.3.${i + 1}`);
      const s = await measure(single, concurrency, (i) => `127.10.4.${i + 1}`);
      rows.push(...report(concurrency, n, s, engine));
    }
    return rows;
  } finally {
    await Promise.all(sandboxes.map((s) => s.close()));
    await agg.stop();
    await database.close();
    await drop();
  }
}

function nestedFlow(agg: Aggregator, app: AppClient): Flow {
  return async (browser) => {
    const req = authorizeUrl(agg.issuer, app, { prompt: 'none', scope: SCOPE });
    const { redirect } = await browser.follow(req.url, APP_CALLBACK);
    const code = redirect?.searchParams.get('code');
    if (!code) throw new Error(`nested flow failed: ${redirect?.search ?? 'no redirect'}`);
    const token = await redeemCode(`${agg.publicUrl}/token`, agg.issuer, app, code, req.verifier);
    if (token.status !== 200) throw new Error(`token request failed: ${token.status}`);
  };
}

/** A service provider talking to sandbox-a directly (its `sandbox-tester` client). */
function singleLevelFlow(issuer: string): Flow {
  const tester = loadSandboxConfig('config/sandbox.json').instances[0]!.clients.find(
    (c) => c.clientId === 'sandbox-tester',
  )!;
  const basic = Buffer.from(`${tester.clientId}:${tester.clientSecret}`).toString('base64');
  return async (browser) => {
    const verifier = randomBytes(32).toString('base64url');
    const params = new URLSearchParams({
      client_id: tester.clientId,
      response_type: 'code',
      redirect_uri: TESTER_CALLBACK,
      scope: SCOPE,
      state: randomUUID(),
      nonce: randomUUID(),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      prompt: 'none',
    });
    const { redirect } = await browser.follow(`${issuer}/auth?${params}`, TESTER_CALLBACK);
    const code = redirect?.searchParams.get('code');
    if (!code) throw new Error(`single-level flow failed: ${redirect?.search ?? 'no redirect'}`);
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: TESTER_CALLBACK,
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
async function measure(
  flow: Flow,
  concurrency: number,
  address: (i: number) => string,
): Promise<Measured> {
  const browsers = Array.from({ length: concurrency }, (_, i) => new DeviceBrowser(address(i)));
  try {
    for (const b of browsers) for (let i = 0; i < 5; i += 1) await flow(b);
    const latencies: number[] = [];
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
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return { perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
  }
}

function report(c: number, nested: Measured, single: Measured, engine: string): BenchRow[] {
  const row = (metric: string, value: number, unit: string, target?: string): BenchRow => ({
    bench: BENCH,
    metric: `${metric} (c=${c})`,
    value,
    unit,
    ...(target ? { target } : {}),
    note: metric.startsWith('nested') ? engine : 'sandbox, in memory',
  });
  return [
    row('nested verifications', nested.perSecond, 'flows/s'),
    row('nested p50', nested.p50, 'ms'),
    row('nested p99', nested.p99, 'ms'),
    row('single-level flows', single.perSecond, 'flows/s'),
    row('single-level p50', single.p50, 'ms'),
    row('single-level p99', single.p99, 'ms'),
    row('throughput nested/single', nested.perSecond / single.perSecond, '×', '≥ 0.4'),
    row('p50 nested/single', nested.p50 / single.p50, '×', '≤ 2.5'),
  ];
}
