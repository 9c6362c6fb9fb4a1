import { sampler, Tally } from '../harness/load.js';
import { missingUsage } from '../harness/metering.js';
import { sleep, waitUntilOk } from '../harness/processes.js';
import { mb, ms, requestCounter, type Scenario } from '../harness/scenario.js';
import { switchboard, waitForOperator } from '../harness/seed.js';
import type { Stack } from '../harness/stack.js';
import { issueTokens, Traffic } from '../harness/traffic.js';
import type { Outcome } from '../harness/verification.js';

const PREFIX = 'rs-database-';
const OUTAGE_MS = 20_000;
/** After the database is back, every process must be ready again within this. */
const READY_BOUND_MS = 10_000;
/** Aggregator memory may not grow by more than this during the outage (buffers are bounded). */
const RSS_BOUND_MB = 96;

/**
 * The TCP relay between the aggregators and PostgreSQL refuses and drops every connection for
 * 20 s under load (the server itself keeps running). Expected: issued tokens keep working
 * through the proxy; new authorizations fail cleanly with `temporarily_unavailable`; metering
 * is buffered and written afterwards (none lost), memory stays bounded; /ready reports the
 * outage and recovers, routing changes reach every process again — all without a restart.
 */
export const databaseOutage: Scenario = {
  name: 'database-outage',
  async run({ stack, client, log }) {
    const requests = requestCounter(client);
    const flows = new Tally();
    const calls = new Tally();
    const tokens = await issueTokens(client, ['sandbox-a', 'sandbox-b'], 9_000);
    const window = { cutAt: 0, restoredAt: 0, readyAt: 0 };
    let done = false;
    const traffic = new Traffic(client, PREFIX, 9_100, () => done);
    // A flow may fail while the database is away, and shortly after (pools reconnect), but
    // only with the retryable OAuth error; anything else (server_error, a hang) is a bug.
    const temporarilyUnavailable = (o: Outcome) =>
      window.cutAt > 0 &&
      (window.readyAt === 0 || Date.now() - window.readyAt < 2_000) &&
      /^(authorize|token:503|page:503):temporarily_unavailable$/.test(o.kind);
    const load = Promise.all([
      traffic.flows({
        workers: 4,
        operator: (w) => (w % 2 ? 'sandbox-b' : 'sandbox-a'),
        tally: flows,
        expected: temporarilyUnavailable,
        pauseMs: 50,
      }),
      traffic.calls({ tokens, tally: calls, expected: () => false }),
    ]);
    const baseline = stack.aggregatorRss();
    let peak = baseline;
    let readyDuring = true;
    let reroute = 0;
    try {
      await sleep(3_000);
      // The outage starts as the cut begins: requests may fail before cut() has returned.
      window.cutAt = Date.now();
      await stack.relay.cut();
      log('  database cut');
      const rss = sampler(() => stack.aggregatorRss(), 500);
      await sleep(3_000);
      readyDuring = await anyReady(stack);
      await sleep(OUTAGE_MS - 3_000);
      peak = rss.stop().reduce((max, s) => s.map((v, k) => Math.max(v, max[k] ?? 0)), baseline);
      await stack.relay.restore();
      window.restoredAt = Date.now();
      log('  database back');
      await Promise.all(
        stack.aggregators.map((a) =>
          waitUntilOk(`http://127.0.0.1:${a.adminPort}/ready`, a.name, READY_BOUND_MS),
        ),
      );
      window.readyAt = Date.now();
      reroute = await routingReachesEveryone(stack);
      await sleep(5_000);
    } finally {
      done = true;
      await load;
    }
    const growth = Math.max(...peak.map((p, k) => p - (baseline[k] ?? 0)));
    const lost = await missingUsage(stack.db.knex, PREFIX, traffic.answered, 20_000);
    const problems = [
      ...(calls.unexpected ? [`issued tokens failed: ${calls.unexpectedKinds()}`] : []),
      ...(flows.unexpected
        ? [`flows failed otherwise than temporarily_unavailable: ${flows.unexpectedKinds()}`]
        : []),
      ...(flows.expected === 0 ? ['no authorization met the outage'] : []),
      ...(readyDuring ? ['/ready did not report the outage'] : []),
      ...(growth > RSS_BOUND_MB ? [`aggregator memory grew by ${mb(growth)}`] : []),
      ...(lost !== 0 ? [`${lost} usage records missing`] : []),
    ];
    return {
      scenario: 'Database outage',
      load: `4 flow loops (${flows.ok + flows.expected + flows.unexpected} verifications) + 2 loops on issued tokens (${calls.ok + calls.unexpected} calls)`,
      faults: `PostgreSQL relay cut ${OUTAGE_MS / 1000} s: connections refused and dropped`,
      requests: requests(),
      expectedFailures: flows.expected,
      unexpectedFailures: flows.unexpected + calls.unexpected,
      dataLost: lost,
      measured: `issued-token calls ${calls.ok} ok, ${calls.unexpected} failed; ${flows.expectedKinds() || 'no failed flows'}; /ready 503 during, all ready ${ms(window.readyAt - window.restoredAt)} after; route change seen by all in ${ms(reroute)}; RSS ${baseline.map(mb).join('/')} → peak ${peak.map(mb).join('/')} (max +${mb(growth)})`,
      problems,
    };
  },
};

async function anyReady(stack: Stack): Promise<boolean> {
  const answers = await Promise.all(
    stack.aggregators.map((a) =>
      fetch(`http://127.0.0.1:${a.adminPort}/ready`, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.status === 200,
        () => false,
      ),
    ),
  );
  return answers.some(Boolean);
}

/** A route added through one process reaches the others: their LISTEN connections are back. */
async function routingReachesEveryone(stack: Stack): Promise<number> {
  const admins = stack.aggregators.map((a) => `http://127.0.0.1:${a.adminPort}`);
  const started = Date.now();
  await switchboard(admins[0]!, stack.adminToken, 'ranges', 'add', 'sandbox-a', '127.50.0.0/16');
  for (const url of admins.slice(1))
    await waitForOperator(url, stack.adminToken, '127.50.0.1', 'sandbox-a');
  const took = Date.now() - started;
  await switchboard(admins[0]!, stack.adminToken, 'ranges', 'remove', '127.50.0.0/16');
  return took;
}
