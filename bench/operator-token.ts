// Operator-token exchanges per second through the aggregator (CAMARA NV "Operator Token
// Acquisition" guide, Step 3: the JWT-bearer grant with `sub = vp_token:<SD-JWT>`), next to
// plain `tel:` JWT-bearer exchanges (ICM r4.2 "JWT Bearer Flow") in the same run, both sent by
// the SDK; the whole path (credential request + the simulated handset + exchange); and where an
// exchange spends its time, measured in-process with the aggregator's own verifier.
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import type { Knex } from 'knex';
import type { Handset } from '@switchboard/handset';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { createSwitchboardClient, type SwitchboardClient } from '@switchboard/sdk';
import { registerBackendApp } from '@switchboard/aggregator/test-support/backend-client';
import {
  FRAUD,
  registerOperators,
  startSandboxes,
  startTestAggregator,
} from '@switchboard/aggregator/test-support/core-fixture';
import {
  createTelephonyTrust,
  demoHandset,
  enableOperatorTokens,
  registerOperatorTokenApp,
} from '@switchboard/aggregator/test-support/operator-token';
import { openDatabase } from './bench-database.js';
import { stepCosts, type StepCosts } from './operator-token-steps.js';
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'operator-token';
const CONCURRENCY = Number(process.env.BENCH_OT_CONCURRENCY ?? 8);
/** Exchanges of each kind per round; rounds alternate the two kinds against drifting load. */
const PER_ROUND = Number(process.env.BENCH_OT_PER_ROUND ?? 40);
const ROUNDS = Number(process.env.BENCH_OT_ROUNDS ?? 6);
const WHOLE_PATHS = Number(process.env.BENCH_OT_PATHS ?? 120);
/** Sequential repetitions of each in-process step, and of the exchange at concurrency 1. */
const STEPS = Number(process.env.BENCH_OT_STEPS ?? 300);
const SEQUENTIAL = Number(process.env.BENCH_OT_SEQUENTIAL ?? 40);
const SCOPE = `${FRAUD} number-verification:verify`;
const ADMIN = { kind: 'admin', id: 'bench' } as const;

interface World {
  /** The aggregator's database handle: its query events show what an exchange asks of it. */
  readonly knex: Knex;
  readonly sb: SwitchboardClient;
  readonly tel: SwitchboardClient;
  readonly handset: Handset;
  readonly sandboxA: RunningSandbox;
  readonly anchorsPem: string;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const { database, engine, drop } = await openDatabase();
  ctx.log(`operator-token exchanges on ${engine}`);
  const trust = await createTelephonyTrust('Bench Android Telephony');
  const agg = await startTestAggregator(database, undefined, {
    RATE_LIMIT_ENABLED: 'false',
    ...trust.env,
  });
  const sandboxes = await startSandboxes(agg.issuer);
  try {
    await registerOperators(agg, sandboxes[0]!.url, sandboxes[1]!.url);
    await enableOperatorTokens(agg);
    await agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
    await agg.index.refresh();
    const app = await registerOperatorTokenApp(agg, { name: 'Bench shop' });
    const telApp = await registerBackendApp(agg, {
      trustTelSubject: true,
      allowedScopes: ['number-verification:verify'],
    });
    const client = (id: string, privateKey: JWK) =>
      createSwitchboardClient({
        issuer: agg.issuer,
        clientId: id,
        privateKey,
        allowInsecureRequests: true,
      });
    const world: World = {
      knex: agg.database.knex,
      sb: client(app.id, app.jwk),
      tel: client(telApp.id, telApp.jwk),
      handset: await demoHandset(agg, trust.pki, sandboxes),
      sandboxA: sandboxes[0]!,
      anchorsPem: trust.pki.rootPem,
    };
    await checkPath(world);
    ctx.log(`exchanges, ${ROUNDS} rounds of ${PER_ROUND} each kind, concurrency ${CONCURRENCY}`);
    const rates = await exchangeRates(world);
    ctx.log(`whole paths: ${WHOLE_PATHS} at concurrency ${CONCURRENCY}`);
    const whole = await timed(WHOLE_PATHS, CONCURRENCY, () => wholePath(world));
    ctx.log('one exchange at a time, and its steps in-process');
    const latency = await sequentialLatency(world);
    const steps = await stepCosts({
      sdJwt: await presentation(world),
      anchorsPem: world.anchorsPem,
      sandboxA: sandboxes[0]!,
      scope: SCOPE,
      steps: STEPS,
    });
    return report(engine, rates, WHOLE_PATHS / whole, latency, steps);
  } finally {
    await Promise.all(sandboxes.map((s) => s.close()));
    await agg.stop();
    await database.close();
    await drop();
    trust.remove();
  }
}

const nonce = () => randomBytes(24).toString('base64url');

/**
 * One credential and its presentation by the handset (guide Steps 1 and 2) on slot 0, the SIM
 * +346001000005 of sandbox-a (config/sandbox.json).
 */
async function presentation(w: World): Promise<string> {
  const n = nonce();
  const credential = await w.sb.operatorToken.credential({
    scope: SCOPE,
    nonce: n,
    carrierIds: w.handset.activeCarrierIds(),
  });
  await w.handset.review(credential, n);
  return w.handset.present(credential, n, 0);
}

const exchange = (w: World, sdJwt: string) => w.sb.operatorToken.exchange({ sdJwt, scope: SCOPE });
const telExchange = (w: World) =>
  w.tel.backend.jwtBearer({
    phoneNumber: '+346001000005',
    purpose: FRAUD,
    scopes: ['number-verification:verify'],
  });

async function wholePath(w: World): Promise<void> {
  await exchange(w, await presentation(w));
}

/** The measured thing works before it is measured: the session verifies the SIM's number. */
async function checkPath(w: World): Promise<void> {
  const session = await exchange(w, await presentation(w));
  if (!(await w.sb.verify(session, '+346001000005')))
    throw new Error('the operator-token session did not verify the SIM’s number');
  await telExchange(w);
}

/** Runs `task(i)` for i < n with `concurrency` at once; the seconds it took. */
async function timed(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await task((next += 1) - 1);
    }),
  );
  return (performance.now() - started) / 1000;
}

interface Rates {
  readonly operatorToken: number;
  readonly tel: number;
  /** Milliseconds of this process's CPU (aggregator, sandboxes, SDK) per exchange. */
  readonly operatorTokenCpu: number;
  readonly telCpu: number;
}

/** `timed`, and the CPU time this process spent meanwhile (milliseconds). */
async function timedWithCpu(
  n: number,
  task: (i: number) => Promise<unknown>,
): Promise<{ seconds: number; cpuMs: number }> {
  const before = process.cpuUsage();
  const seconds = await timed(n, CONCURRENCY, task);
  const used = process.cpuUsage(before);
  return { seconds, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Per round: PER_ROUND SD-JWTs presented first (not timed; a temp_token lives 120 s), then
 * PER_ROUND operator-token exchanges and PER_ROUND tel: exchanges, each timed.
 */
async function exchangeRates(w: World): Promise<Rates> {
  const ot = { seconds: 0, cpuMs: 0 };
  const tel = { seconds: 0, cpuMs: 0 };
  const add = (to: typeof ot, r: typeof ot) => {
    to.seconds += r.seconds;
    to.cpuMs += r.cpuMs;
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    const sdJwts: string[] = [];
    await timed(PER_ROUND, CONCURRENCY, async () => sdJwts.push(await presentation(w)));
    add(ot, await timedWithCpu(PER_ROUND, (i) => exchange(w, sdJwts[i]!)));
    add(tel, await timedWithCpu(PER_ROUND, () => telExchange(w)));
  }
  const total = PER_ROUND * ROUNDS;
  return {
    operatorToken: total / ot.seconds,
    tel: total / tel.seconds,
    operatorTokenCpu: ot.cpuMs / total,
    telCpu: tel.cpuMs / total,
  };
}

interface Latency {
  /** Mean milliseconds of one exchange, each kind. */
  readonly operatorToken: number;
  readonly tel: number;
  /** Per exchange: the aggregator's database queries and the milliseconds they took. */
  readonly operatorTokenDb: QueryCost;
  readonly telDb: QueryCost;
}

interface QueryCost {
  readonly queries: number;
  readonly ms: number;
}

type Kind = 'operatorToken' | 'tel';

/**
 * Counts the aggregator's database queries and their time (from `query` to its response, pool
 * wait included) for the kind of exchange running, one at a time.
 */
function queryMeter(knex: Knex) {
  const cost = { operatorToken: { queries: 0, ms: 0 }, tel: { queries: 0, ms: 0 } };
  let kind: Kind = 'tel';
  const started = new Map<string, { t0: number; kind: Kind }>();
  const onQuery = (q: { __knexQueryUid: string }) => {
    cost[kind].queries += 1;
    started.set(q.__knexQueryUid, { t0: performance.now(), kind });
  };
  const onDone = (_r: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid);
    if (s) cost[s.kind].ms += performance.now() - s.t0;
    started.delete(q.__knexQueryUid);
  };
  knex.on('query', onQuery).on('query-response', onDone).on('query-error', onDone);
  return {
    cost,
    measure: async (k: Kind, task: () => Promise<unknown>): Promise<number> => {
      kind = k;
      const t0 = performance.now();
      await task();
      return performance.now() - t0;
    },
    stop: () => knex.off('query', onQuery).off('query-response', onDone).off('query-error', onDone),
  };
}

/** One exchange at a time, the two kinds alternating, with nothing else running. */
async function sequentialLatency(w: World): Promise<Latency> {
  const sdJwts: string[] = [];
  for (let i = 0; i < SEQUENTIAL; i += 1) sdJwts.push(await presentation(w));
  const meter = queryMeter(w.knex);
  let ot = 0;
  let tel = 0;
  try {
    for (const sdJwt of sdJwts) {
      ot += await meter.measure('operatorToken', () => exchange(w, sdJwt));
      tel += await meter.measure('tel', () => telExchange(w));
    }
  } finally {
    meter.stop();
  }
  const per = (c: QueryCost) => ({ queries: c.queries / SEQUENTIAL, ms: c.ms / SEQUENTIAL });
  return {
    operatorToken: ot / SEQUENTIAL,
    tel: tel / SEQUENTIAL,
    operatorTokenDb: per(meter.cost.operatorToken),
    telDb: per(meter.cost.tel),
  };
}

function report(
  engine: string,
  rates: Rates,
  wholePerSecond: number,
  latency: Latency,
  steps: StepCosts,
): BenchRow[] {
  const c = `c=${CONCURRENCY}`;
  const row = (metric: string, value: number, unit: string, note: string, target?: string) => ({
    bench: BENCH,
    metric,
    value,
    unit,
    note,
    ...(target ? { target } : {}),
  });
  const exchangeMs = latency.operatorToken;
  const share = (ms: number) => `${((ms / exchangeMs) * 100).toFixed(0)} % of one exchange`;
  // Against the CPU an exchange costs (what bounds the rate), not its wall time (database waits).
  const cryptoShare = ((steps.sdJwt + steps.ecdh) / rates.operatorTokenCpu) * 100;
  return [
    row(`tel: JWT-bearer exchange (${c})`, rates.tel, 'exchanges/s', `${engine}; anchor, same run`),
    row(
      `operator-token exchange (${c})`,
      rates.operatorToken,
      'exchanges/s',
      `${engine}; Step 3 only`,
    ),
    row(
      'operator-token / tel: exchange rate',
      (rates.operatorToken / rates.tel) * 100,
      '%',
      'same run; target 0.5×',
      '≥ 50',
    ),
    row(`· CPU per tel: exchange`, rates.telCpu, 'ms', 'this process: aggregator, sandboxes, SDK'),
    row(`· CPU per operator-token exchange`, rates.operatorTokenCpu, 'ms', 'the same process'),
    row(
      `operator-token whole path (${c})`,
      wholePerSecond,
      'paths/s',
      'credential + handset + exchange',
    ),
    row('tel: exchange, one at a time', latency.tel, 'ms', 'mean over HTTP'),
    row(
      '· its database queries',
      latency.telDb.ms,
      'ms',
      `${latency.telDb.queries.toFixed(1)} queries; ${((latency.telDb.ms / latency.tel) * 100).toFixed(0)} %`,
    ),
    row('operator-token exchange, one at a time', exchangeMs, 'ms', 'mean over HTTP = 100 %'),
    row(
      '· its database queries',
      latency.operatorTokenDb.ms,
      'ms',
      `${latency.operatorTokenDb.queries.toFixed(1)} queries; ${share(latency.operatorTokenDb.ms)}`,
    ),
    row('· SD-JWT checks (verifySdJwt)', steps.sdJwt * 1000, 'µs', share(steps.sdJwt)),
    row('  · of which X.509 chain', steps.x509 * 1000, 'µs', share(steps.x509)),
    row('  · of which JWS + sd_hash', steps.jws * 1000, 'µs', share(steps.jws)),
    row(
      '· ECDH-ES + A128GCM decrypt',
      steps.ecdh * 1000,
      'µs',
      `${share(steps.ecdh)}; key unsealed`,
    ),
    row('· operator hop (operatortoken:)', steps.hop * 1000, 'µs', share(steps.hop)),
    row(
      'SD-JWT checks + ECDH, CPU share',
      cryptoShare,
      '%',
      'of CPU per exchange: must not dominate',
      '≤ 50',
    ),
  ];
}
