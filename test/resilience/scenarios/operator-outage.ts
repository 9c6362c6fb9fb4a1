import { runWorkers, Tally } from '../harness/load.js';
import { missingUsage } from '../harness/metering.js';
import { sleep } from '../harness/processes.js';
import { ms, requestCounter, type Scenario } from '../harness/scenario.js';
import {
  completeVerification,
  device,
  obtainToken,
  verifyNumber,
  type Client,
  type Outcome,
} from '../harness/verification.js';

const PREFIX = 'rs-operator-';
const OUTAGE_MS = 8_000;
const RECOVERY_BOUND_MS = 10_000;
/** Once a circuit is open, a refused call must come back at least this fast. */
const FAIL_FAST_BOUND_MS = 500;

interface Clock {
  killedAt: number;
  returnedAt: number;
  firstFlowOk: number;
  firstCallOk: number;
  /** The last sandbox-b failure of any kind (but a 401 for a token it forgot). */
  lastFailure: number;
}

/** Within the outage, or within the recovery bound after the operator's return. */
const inOutage = (c: Clock) =>
  c.killedAt > 0 && (c.returnedAt === 0 || Date.now() - c.returnedAt <= RECOVERY_BOUND_MS);

/** Every process serves sandbox-b again: flows and calls work, and have for 3 s. */
const settled = (c: Clock) =>
  c.firstFlowOk > 0 &&
  c.firstCallOk > 0 &&
  Date.now() - Math.max(c.lastFailure, c.returnedAt) > 3_000;

/**
 * sandbox-b is SIGKILLed under load and started again 8 s later (with none of its tokens).
 * Expected: sandbox-a's flows and calls never fail; sandbox-b's calls fail with 503/504
 * CAMARA bodies, fast once the circuit is open; its flows fail where the device cannot reach
 * it; and both work again within 10 s of its return, without touching Switchboard.
 */
export const operatorOutage: Scenario = {
  name: 'operator-outage',
  async run({ stack, client, log }) {
    const requests = requestCounter(client);
    const a = new Tally();
    const b = new Tally();
    const clock: Clock = {
      killedAt: 0,
      returnedAt: 0,
      firstFlowOk: 0,
      firstCallOk: 0,
      lastFailure: 0,
    };
    const fastFail: number[] = [];
    let answered = 0;
    let n = 0;
    let done = false;
    const count = (o: Outcome & { fromBalancer?: boolean }) => {
      if (o.ok || (o.kind.startsWith('verify:') && !o.fromBalancer)) answered += 1;
    };
    const tokenA = await tokenFor(client, 'sandbox-a', 7_000);
    const tokensB = [
      await tokenFor(client, 'sandbox-b', 7_001),
      await tokenFor(client, 'sandbox-b', 7_002),
    ];

    /** A sandbox-b failure is expected while it is down or recovering, if it is clean. */
    const expectedB = (o: Outcome, tokenIssuedAt = 0) => {
      if (o.kind.startsWith('verify:401:')) return tokenIssuedAt < clock.returnedAt; // it forgot the token
      clock.lastFailure = Date.now();
      const outage = inOutage(clock);
      if (/^verify:50[34]:(UNAVAILABLE|TIMEOUT)$/.test(o.kind)) return outage && o.clean;
      // The device itself cannot reach its operator: no aggregator can change that.
      if (/^network:.*@operator$|^operator-page:/.test(o.kind)) return outage;
      return outage && o.clean;
    };

    const load = Promise.all([
      runWorkers(
        2,
        () => done,
        async () => {
          const i = n++;
          const o = await completeVerification(client, 'sandbox-a', 7_100 + i, `${PREFIX}a${i}`);
          count(o);
          a.add(o, () => false);
        },
      ),
      runWorkers(
        1,
        () => done,
        async (_w, step) => {
          const o = await verifyNumber(client, tokenA.token, tokenA.msisdn, `${PREFIX}ca${step}`);
          count(o);
          a.add(o, () => false);
        },
        20,
      ),
      runWorkers(
        1,
        () => done,
        async () => {
          const i = n++;
          const o = await completeVerification(client, 'sandbox-b', 7_100 + i, `${PREFIX}b${i}`);
          count(o);
          if (o.ok && clock.returnedAt > 0) clock.firstFlowOk ||= Date.now();
          b.add(o, (x) => expectedB(x));
        },
        100,
      ),
      runWorkers(
        2,
        () => done,
        async (w, step) => {
          const t = tokensB[w]!;
          const o = await verifyNumber(client, t.token, t.msisdn, `${PREFIX}cb${w}-${step}`);
          count(o);
          if (o.ok && clock.returnedAt > 0) clock.firstCallOk ||= Date.now();
          if (o.retryAfter) fastFail.push(o.latencyMs);
          b.add(o, (x) => expectedB(x, t.issuedAt));
          if (o.kind.startsWith('verify:401:')) {
            const fresh = await obtainToken(client, device('sandbox-b', 7_500 + step).address);
            if (fresh.token)
              Object.assign(t, {
                token: fresh.token,
                issuedAt: Date.now(),
                msisdn: device('sandbox-b', 7_500 + step).msisdn,
              });
          }
        },
        20,
      ),
    ]);
    try {
      await sleep(3_000);
      await stack.killOperator('sandbox-b');
      clock.killedAt = Date.now();
      log('  sandbox-b killed');
      await sleep(OUTAGE_MS);
      await stack.startOperator('sandbox-b');
      clock.returnedAt = Date.now();
      log('  sandbox-b back');
      while (!settled(clock) && Date.now() - clock.returnedAt < 2 * RECOVERY_BOUND_MS)
        await sleep(100);
    } finally {
      done = true;
      await load;
    }
    // Recovered when both work again and nothing fails any more, on every process.
    const recovery = settled(clock)
      ? Math.max(clock.firstFlowOk, clock.firstCallOk, clock.lastFailure) - clock.returnedAt
      : Infinity;
    const slowest = fastFail.length ? Math.max(...fastFail) : 0;
    const lost = await missingUsage(stack.db.knex, PREFIX, answered);
    const problems = [
      ...(a.unexpected ? [`sandbox-a traffic failed: ${a.unexpectedKinds()}`] : []),
      ...(b.unexpected
        ? [
            `sandbox-b failures not explained by its outage: ${b.unexpectedKinds()}, at ${b.firstUnexpected
              .map((f) => ms(f.at - clock.killedAt))
              .join(', ')} after the kill (back after ${ms(clock.returnedAt - clock.killedAt)})`,
          ]
        : []),
      ...(recovery > RECOVERY_BOUND_MS
        ? [`recovery took ${ms(recovery)} (bound ${ms(RECOVERY_BOUND_MS)})`]
        : []),
      ...(fastFail.length === 0 ? ['the circuit never opened'] : []),
      ...(slowest > FAIL_FAST_BOUND_MS ? [`an open circuit answered in ${ms(slowest)}`] : []),
      ...(lost !== 0 ? [`${lost} usage records missing`] : []),
    ];
    return {
      scenario: 'Operator outage',
      load: `sandbox-a: 2 flow + 1 API loops (${a.ok + a.unexpected} ops); sandbox-b: 1 flow + 2 API loops (${b.ok + b.expected + b.unexpected} ops)`,
      faults: `sandbox-b SIGKILLed for ${OUTAGE_MS / 1000} s, restarted without its tokens`,
      requests: requests(),
      expectedFailures: b.expected,
      unexpectedFailures: a.unexpected + b.unexpected,
      dataLost: lost,
      measured: `sandbox-a errors ${a.unexpected}; sandbox-b failures: ${b.expectedKinds() || 'none'}; open circuit answered in ≤ ${ms(slowest)} (${fastFail.length} calls); recovered ${Number.isFinite(recovery) ? ms(recovery) : 'never'} after its return (last failure / first successes)`,
      problems,
    };
  },
};

async function tokenFor(client: Client, operator: 'sandbox-a' | 'sandbox-b', n: number) {
  const d = device(operator, n);
  const { token, outcome } = await obtainToken(client, d.address);
  if (!token)
    throw new Error(`operator-outage: no ${operator} token to start with (${outcome.kind})`);
  return { token, msisdn: d.msisdn, issuedAt: Date.now() };
}
