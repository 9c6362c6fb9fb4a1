import { Tally } from '../harness/load.js';
import { missingUsage } from '../harness/metering.js';
import { sleep } from '../harness/processes.js';
import { ms, requestCounter, type Scenario } from '../harness/scenario.js';
import { issueTokens, Traffic } from '../harness/traffic.js';
import type { Outcome } from '../harness/verification.js';

const FLOW_WORKERS = 6;
const PREFIX = 'rs-rolling-';

/**
 * Steady load while each aggregator in turn gets SIGTERM (graceful drain: /ready says
 * `draining`, the balancer takes it out, in-flight requests finish), exits and starts again.
 * Expected: 0 failed API calls, 0 broken flows; a flow caught in flight may only fail with a
 * clean OAuth error, never a hang or a balancer error.
 */
export const rollingRestart: Scenario = {
  name: 'rolling-restart',
  async run({ stack, client, log }) {
    const requests = requestCounter(client);
    const flows = new Tally();
    const calls = new Tally();
    const tokens = await issueTokens(client, ['sandbox-a', 'sandbox-b'], 5_000);
    let done = false;
    const traffic = new Traffic(client, PREFIX, 6_000, () => done);
    const cleanInFlight = (o: Outcome) => o.clean && !o.kind.startsWith('verify:');
    const load = Promise.all([
      traffic.flows({
        workers: FLOW_WORKERS,
        operator: (w) => (w % 2 ? 'sandbox-b' : 'sandbox-a'),
        tally: flows,
        expected: cleanInFlight,
      }),
      traffic.calls({ tokens, tally: calls, expected: () => false }),
    ]);
    const restarts: number[] = [];
    const retriedBefore = stack.balancer.retried;
    try {
      await sleep(2_000);
      for (const node of stack.aggregators) {
        const t0 = Date.now();
        await stack.restartAggregator(node);
        restarts.push(Date.now() - t0);
        log(`  ${node.name} restarted in ${ms(Date.now() - t0)}`);
        await sleep(1_500);
      }
    } finally {
      done = true;
      await load;
    }
    const lost = await missingUsage(stack.db.knex, PREFIX, traffic.answered);
    const problems = [
      ...(calls.unexpected ? [`API calls failed: ${calls.unexpectedKinds()}`] : []),
      ...(flows.unexpected ? [`flows broken: ${flows.unexpectedKinds()}`] : []),
      ...(lost !== 0 ? [`${lost} usage records missing`] : []),
    ];
    return {
      scenario: 'Rolling restart',
      load: `${FLOW_WORKERS} flow loops + ${tokens.length} API loops: ${flows.ok + flows.expected + flows.unexpected} verifications, ${calls.ok + calls.unexpected} API calls`,
      faults: '3 restarts, one process at a time: SIGTERM, 1 s drain, exit, start',
      requests: requests(),
      expectedFailures: flows.expected,
      unexpectedFailures: flows.unexpected + calls.unexpected,
      dataLost: lost,
      measured: `restart (stop → ready) ${restarts.map(ms).join(', ')}; API call failures ${calls.unexpected}; balancer retries ${stack.balancer.retried - retriedBefore}${flows.expected ? `; in-flight clean failures: ${flows.expectedKinds()}` : ''}`,
      problems,
    };
  },
};
