import type { HOSTILE_BEHAVIOURS } from '../harness/hostile-operator.js';
import { sampler, Tally } from '../harness/load.js';
import { missingUsage } from '../harness/metering.js';
import { mb, ms, requestCounter, type Scenario } from '../harness/scenario.js';
import { device, obtainToken, verifyNumber } from '../harness/verification.js';

const PREFIX = 'rs-hostile-';
const ROUNDS = 3;
/** UPSTREAM_RESPONSE_TIMEOUT_MS of the run (harness/stack.ts) plus scheduling slack. */
const TIME_BOUND_MS = 3_000 + 1_000;
/** What each misbehaviour must become (stack.ts: headers 1.5 s, response 3 s, 1 MiB bodies). */
const EXPECTED: Record<keyof typeof HOSTILE_BEHAVIOURS, string> = {
  trickle: 'verify:504:TIMEOUT',
  'slow-headers': 'verify:504:TIMEOUT',
  'huge-body': 'verify:502:BAD_GATEWAY',
  'endless-body': 'verify:502:BAD_GATEWAY',
  'malformed-json': 'verify:502:BAD_GATEWAY',
  'malformed-http': 'verify:502:BAD_GATEWAY',
  'huge-headers': 'verify:502:BAD_GATEWAY',
  redirect: 'verify:502:BAD_GATEWAY',
  'dropped-connection': 'verify:503:UNAVAILABLE',
};

/**
 * The hostile operator's API (its OIDC is sandbox-a's) trickles, stalls, sends 32 MiB bodies,
 * broken JSON or HTTP, 64 KiB of headers, redirects to a metadata address, or drops the
 * connection. Each answer must be its CAMARA 502/503/504 within the upstream deadline, with
 * aggregator memory flat; a good call follows each bad one (so no circuit opens) and succeeds.
 */
export const hostileUpstream: Scenario = {
  name: 'hostile-upstream',
  async run({ stack, client }) {
    const requests = requestCounter(client);
    const d = device('hostile', 8_000);
    const { token, outcome } = await obtainToken(client, d.address);
    if (!token) throw new Error(`hostile-upstream: no token (${outcome.kind})`);
    const baseline = stack.aggregatorRss();
    const rss = sampler(() => stack.aggregatorRss());
    const tally = new Tally();
    const problems: string[] = [];
    let slowest = 0;
    let answered = 0;
    let i = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, want] of Object.entries(EXPECTED)) {
        const bad = await verifyNumber(client, token, d.msisdn, `${PREFIX}${name}-${i++}`);
        slowest = Math.max(slowest, bad.latencyMs);
        if (bad.latencyMs > TIME_BOUND_MS) problems.push(`${name} took ${ms(bad.latencyMs)}`);
        tally.add(bad, (o) => o.kind === want && o.clean);
        const good = await verifyNumber(client, token, d.msisdn, `${PREFIX}good-${i++}`);
        tally.add(good, () => false);
        answered += [bad, good].filter((o) => !o.fromBalancer && o.status !== undefined).length;
      }
    }
    const peak = rss.stop().reduce((max, s) => s.map((v, k) => Math.max(v, max[k] ?? 0)), baseline);
    const growth = Math.max(...peak.map((p, k) => p - (baseline[k] ?? 0)));
    // 32 MiB bodies must never be buffered: allow GC noise, not a body per call.
    if (growth > 96) problems.push(`aggregator memory grew by ${mb(growth)}`);
    const lost = await missingUsage(stack.db.knex, PREFIX, answered);
    if (lost !== 0) problems.push(`${lost} usage records missing`);
    if (tally.unexpected) problems.push(`unexpected answers: ${tally.unexpectedKinds()}`);
    const behaviours = Object.keys(EXPECTED).length;
    return {
      scenario: 'Hostile upstream',
      load: `${behaviours} misbehaviours × ${ROUNDS}, each followed by a good call`,
      faults: Object.keys(EXPECTED).join(', '),
      requests: requests(),
      expectedFailures: tally.expected,
      unexpectedFailures: tally.unexpected,
      dataLost: lost,
      measured: `slowest answer ${ms(slowest)} (bound ${ms(TIME_BOUND_MS)}); aggregator RSS peak ${peak.map(mb).join(' / ')}, max growth ${mb(growth)}; good calls ${tally.ok}/${behaviours * ROUNDS}`,
      problems,
    };
  },
};
