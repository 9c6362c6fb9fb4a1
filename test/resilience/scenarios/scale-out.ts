import { runCount, Tally } from '../harness/load.js';
import { missingUsage } from '../harness/metering.js';
import { ms, requestCounter, type Scenario } from '../harness/scenario.js';
import { completeVerification } from '../harness/verification.js';

const FLOWS = 1_000;
const CONCURRENCY = 12;
const PREFIX = 'rs-scale-';

/**
 * Three aggregators on one PostgreSQL behind a round-robin balancer: every step of every flow
 * may land on another process. 1,000 complete verifications (half per sandbox operator), 0
 * failures, and one usage record per verify call.
 */
export const scaleOut: Scenario = {
  name: 'scale-out',
  async run({ stack, client, log }) {
    const requests = requestCounter(client);
    const tally = new Tally();
    const before = new Map(stack.balancer.forwarded);
    let answered = 0;
    const started = Date.now();
    await runCount(FLOWS, CONCURRENCY, async (i) => {
      const operator = i % 2 === 0 ? 'sandbox-a' : 'sandbox-b';
      const o = await completeVerification(client, operator, 1_000 + i, `${PREFIX}${i}`);
      if (o.kind.startsWith('verify:') || o.ok) answered += 1;
      tally.add(o, () => false);
      if ((i + 1) % 250 === 0) log(`  ${i + 1} verifications`);
    });
    const seconds = (Date.now() - started) / 1000;
    const spread = [...stack.balancer.forwarded]
      .map(
        ([name, n]) =>
          `${name.replace('aggregator-', '#')}: ${(n - (before.get(name) ?? 0)).toLocaleString('en-US')}`,
      )
      .join(', ');
    const lost = await missingUsage(stack.db.knex, PREFIX, answered);
    const problems = [
      ...(tally.ok !== FLOWS
        ? [`${FLOWS - tally.ok} verifications failed: ${tally.unexpectedKinds()}`]
        : []),
      ...(lost !== 0 ? [`${lost} usage records missing`] : []),
    ];
    return {
      scenario: 'Scale-out',
      load: `${FLOWS.toLocaleString('en-US')} complete verifications, ${CONCURRENCY} concurrent, 3 processes`,
      faults: 'none (steps round-robin over 3 processes)',
      requests: requests(),
      expectedFailures: tally.expected,
      unexpectedFailures: tally.unexpected,
      dataLost: lost,
      measured: `${(FLOWS / seconds).toFixed(1)} verifications/s; requests per process ${spread}; ${ms(seconds * 1000)} total`,
      problems,
    };
  },
};
