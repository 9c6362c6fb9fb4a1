import { Tally } from '../harness/load.js';
import { missingUsage } from '../harness/metering.js';
import { sleep } from '../harness/processes.js';
import { ms, requestCounter, type Scenario } from '../harness/scenario.js';
import { issueToken, issueTokens, Traffic } from '../harness/traffic.js';
import type { Outcome } from '../harness/verification.js';

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
    let done = false;
    let refreshed = 0;
    const traffic = new Traffic(client, PREFIX, 7_100, () => done);
    const [tokenA, ...tokensB] = await issueTokens(
      client,
      ['sandbox-a', 'sandbox-b', 'sandbox-b'],
      7_000,
    );

    /** A sandbox-b failure is expected while it is down or recovering, if it is clean. */
    const expectedB = (o: Outcome, tokenIssuedAt = 0) => {
      // The restarted operator forgot every token issued before it came back. It may answer a
      // moment before the harness records its return, so "before" is "not yet recorded" too.
      if (o.kind.startsWith('verify:401:'))
        return clock.killedAt > 0 && tokenIssuedAt < (clock.returnedAt || Date.now());
      clock.lastFailure = Date.now();
      const outage = inOutage(clock);
      if (/^verify:50[34]:(UNAVAILABLE|TIMEOUT)$/.test(o.kind)) return outage && o.clean;
      // The device itself cannot reach its operator: no aggregator can change that.
      if (/^network:.*@operator$|^operator-page:/.test(o.kind)) return outage;
      return outage && o.clean;
    };
    const load = Promise.all([
      traffic.flows({ workers: 2, operator: () => 'sandbox-a', tally: a, expected: () => false }),
      traffic.calls({ tokens: [tokenA!], tally: a, expected: () => false }),
      traffic.flows({
        workers: 1,
        operator: () => 'sandbox-b',
        tally: b,
        expected: (o) => expectedB(o),
        pauseMs: 100,
        after: (o) => {
          if (o.ok && clock.returnedAt > 0) clock.firstFlowOk ||= Date.now();
        },
      }),
      traffic.calls({
        tokens: tokensB,
        tally: b,
        expected: (o, t) => expectedB(o, t.issuedAt),
        after: async (o, t) => {
          if (o.ok && clock.returnedAt > 0) clock.firstCallOk ||= Date.now();
          if (o.retryAfter) fastFail.push(o.latencyMs);
          // The restarted operator forgot its tokens: the app gets a new one, as apps do (and
          // tries again on the next 401 when that flow fails too).
          if (o.kind.startsWith('verify:401:'))
            Object.assign(
              t,
              await issueToken(client, 'sandbox-b', 7_500 + refreshed++).catch(() => ({})),
            );
        },
      }),
    ]);
    try {
      await sleep(3_000);
      // The outage starts with the signal: calls may fail before the process has exited.
      clock.killedAt = Date.now();
      await stack.killOperator('sandbox-b');
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
    const lost = await missingUsage(stack.db.knex, PREFIX, traffic.answered);
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
