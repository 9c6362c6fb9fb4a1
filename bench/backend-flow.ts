// Complete CIBA authorizations (bc-authorize → wait `interval` → poll → token, CAMARA ICM
// r4.2) through the aggregator to sandbox-a, next to the same CIBA flow against sandbox-a
// alone, in the same run. Each flow waits the operator's
// interval (1 s in config/sandbox.json) before its poll, so many flows run at once: the
// throughput shows what the aggregator's extra hops cost once the waits overlap.
import { request } from 'undici';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import {
  bcAuthorize,
  clientAssertion,
  pollToken,
  registerBackendApp,
  type BackendApp,
} from '@switchboard/aggregator/test-support/backend-client';
import {
  FRAUD,
  registerOperators,
  startSandboxes,
  startTestAggregator,
} from '@switchboard/aggregator/test-support/core-fixture';
import { openDatabase } from './bench-database.js';
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'backend-flow';
const SECONDS = Number(process.env.BENCH_BACKEND_SECONDS ?? 6);
const CONCURRENCY = Number(process.env.BENCH_BACKEND_CONCURRENCY ?? 32);
const SCOPE = `openid ${FRAUD} sim-swap:check`;
const ADMIN = { kind: 'admin', id: 'bench' } as const;

/** One CIBA flow for subscriber `n`; resolves when it holds an access token. */
type Flow = (n: number) => Promise<void>;

interface Measured {
  perSecond: number;
  p50: number;
  /** p50 minus the interval waited: the flow's own work and round trips. */
  p50Work: number;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const { database, engine, drop } = await openDatabase();
  ctx.log(`backend flow on ${engine}`);
  const agg = await startTestAggregator(database, undefined, { RATE_LIMIT_ENABLED: 'false' });
  const sandboxes = await startSandboxes(agg.issuer);
  try {
    await registerOperators(agg, sandboxes[0]!.url, sandboxes[1]!.url);
    await agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
    await agg.index.refresh();
    const app = await registerBackendApp(agg);
    ctx.log(`CIBA through the aggregator and direct, concurrency ${CONCURRENCY}`);
    const nested = await measure(throughAggregator(agg, app));
    const direct = await measure(directAtSandbox(sandboxes[0]!.url));
    return report(nested, direct, engine);
  } finally {
    await Promise.all(sandboxes.map((s) => s.close()));
    await agg.stop();
    await database.close();
    await drop();
  }
}

/** sandbox-a's subscriber on 127.10.a.b is +346001 aaa bbb: a different one per flow. */
const subscriber = (n: number) => {
  const k = 256 + (n % 4096);
  const pad = (v: number) => String(v).padStart(3, '0');
  return `tel:+346001${pad(Math.floor(k / 256))}${pad(k % 256)}`;
};

const wait = (seconds: unknown) => new Promise((r) => setTimeout(r, Number(seconds ?? 5) * 1000));

function throughAggregator(agg: { issuer: string; publicUrl: string }, app: BackendApp): Flow {
  return async (n) => {
    const started = await bcAuthorize(agg, app, { scope: SCOPE, login_hint: subscriber(n) });
    if (started.status !== 200) throw new Error(`bc-authorize: ${JSON.stringify(started.body)}`);
    await pollUntilToken(started.body, () => pollToken(agg, app, String(started.body.auth_req_id)));
  };
}

/**
 * A service provider's backend at sandbox-a directly, as Switchboard's own client there (the
 * one registered for CIBA, with private_key_jwt and its demo key).
 */
function directAtSandbox(issuer: string): Flow {
  const keys = JSON.parse(readFileSync('config/demo-operator-keys.json', 'utf8')) as {
    'sandbox-a': { privateJwk: JWK };
  };
  const switchboard = { id: 'switchboard', jwk: keys['sandbox-a'].privateJwk };
  const post = async (path: string, form: Record<string, string>) => {
    const res = await request(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...form,
        client_id: switchboard.id,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await clientAssertion(switchboard, issuer),
      }).toString(),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };
  return async (n) => {
    const started = await post('/backchannel', { scope: SCOPE, login_hint: subscriber(n) });
    if (started.status !== 200) throw new Error(`bc-authorize: ${JSON.stringify(started.body)}`);
    await pollUntilToken(started.body, () =>
      post('/token', {
        grant_type: 'urn:openid:params:grant-type:ciba',
        auth_req_id: String(started.body.auth_req_id),
      }),
    );
  };
}

async function pollUntilToken(
  started: Record<string, unknown>,
  poll: () => Promise<{ status: number; body: Record<string, unknown> }>,
): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    await wait(started.interval);
    const res = await poll();
    if (res.status === 200) return;
    if (res.body.error !== 'authorization_pending' && res.body.error !== 'slow_down')
      throw new Error(`poll: ${JSON.stringify(res.body)}`);
  }
  throw new Error('still pending after 10 polls');
}

/** CONCURRENCY flows at once for SECONDS, after one warm-up flow each. */
async function measure(flow: Flow): Promise<Measured> {
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => flow(i)));
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + SECONDS * 1000;
  let next = CONCURRENCY;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await flow((next += 1));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
  return { perSecond: latencies.length / elapsed, p50, p50Work: p50 - 1000 };
}

function report(nested: Measured, direct: Measured, engine: string): BenchRow[] {
  const row = (metric: string, value: number, unit: string, note: string, target?: string) => ({
    bench: BENCH,
    metric: `${metric} (c=${CONCURRENCY})`,
    value,
    unit,
    note,
    ...(target ? { target } : {}),
  });
  return [
    row('CIBA via aggregator', nested.perSecond, 'flows/s', `${engine}; 1 s interval`),
    row('CIBA via aggregator p50 beyond interval', nested.p50Work, 'ms', engine),
    row('CIBA direct at sandbox', direct.perSecond, 'flows/s', 'sandbox, in memory'),
    row('CIBA direct p50 beyond interval', direct.p50Work, 'ms', 'sandbox, in memory'),
    row('throughput via/direct', nested.perSecond / direct.perSecond, '×', 'same run', '≥ 0.4'),
  ];
}
