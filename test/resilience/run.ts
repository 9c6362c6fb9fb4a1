// `npm run test:resilience`: fault scenarios against the real apps as separate processes over
// real sockets (docs/operations.md, "Fault scenarios"): 3 aggregators on one PostgreSQL database (a scratch
// database, dropped at the end) behind a round-robin balancer, the 2 sandbox operators, a
// hostile operator API. Prints one table; exits 1 when any scenario breaks its expectation.
import { Agent, setGlobalDispatcher } from 'undici';
import { formatTable, passed, type ScenarioResult } from './harness/report.js';
import type { Scenario } from './harness/scenario.js';
import { sleep } from './harness/processes.js';
import { startStack, type Stack } from './harness/stack.js';
import { HANG_MS, type Client } from './harness/verification.js';
import { databaseOutage } from './scenarios/database-outage.js';
import { hostileUpstream } from './scenarios/hostile-upstream.js';
import { operatorOutage } from './scenarios/operator-outage.js';
import { rollingRestart } from './scenarios/rolling-restart.js';
import { scaleOut } from './scenarios/scale-out.js';

const SCENARIOS: readonly Scenario[] = [
  scaleOut,
  rollingRestart,
  operatorOutage,
  hostileUpstream,
  databaseOutage,
];
/** The whole run is cut (exit 1) past this, whatever hangs. */
const DEADLINE_MS = 9 * 60_000;
const USAGE = `Usage: npm run test:resilience [-- --only <scenario>[,<scenario>…]]
Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}
Environment: RESILIENCE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres: a
scratch database is created there and dropped), RESILIENCE_AGGREGATOR_<KEY>=<value> (passed to
every aggregator as <KEY>, e.g. to raise limits for the load).`;

const log = (line: string) => process.stderr.write(`${line}\n`);

function selected(argv: readonly string[]): readonly Scenario[] {
  const i = argv.indexOf('--only');
  if (i < 0) return SCENARIOS;
  const names = (argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(`unknown scenario ${unknown.join(', ') || '(none given)'}`);
  return SCENARIOS.filter((s) => names.includes(s.name));
}

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const scenarios = selected(argv);
  // Every client request of the run gives up after HANG_MS: a hang is a failure, not a wait.
  setGlobalDispatcher(
    new Agent({ headersTimeout: HANG_MS, bodyTimeout: HANG_MS, connections: 128 }),
  );
  const server =
    process.env.RESILIENCE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const started = Date.now();
  let stack: Stack | undefined;
  const results: ScenarioResult[] = [];
  try {
    stack = await startStack(server, log);
    running = stack;
    log(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (balancer ${stack.url})`);
    const client: Client = {
      issuer: stack.url,
      app: { id: stack.app.id, method: 'key', jwk: stack.app.jwk },
      requests: 0,
    };
    for (const scenario of scenarios) {
      log(`== ${scenario.name}`);
      const result = await scenario.run({ stack, client, log });
      results.push(result);
      for (const p of result.problems) log(`  problem: ${p}`);
      log(
        `  ${passed(result) ? 'PASS' : 'FAIL'} (${((Date.now() - started) / 1000).toFixed(0)} s into the run)`,
      );
    }
  } finally {
    running = undefined;
    await stack?.stop().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
  }
  process.stdout.write(`\n${formatTable(results)}\n`);
  const ok = results.length === scenarios.length && results.every(passed);
  process.stdout.write(
    `\n${ok ? 'all scenarios passed' : 'SOME SCENARIOS FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  return ok ? 0 : 1;
}

/** The stack of the run, so an interrupted run still stops its processes and drops its database. */
let running: Stack | undefined;

async function abort(why: string, code: number): Promise<never> {
  log(`test:resilience: ${why}: stopping`);
  const stack = running;
  running = undefined;
  await Promise.race([stack?.stop().catch(() => undefined), sleep(20_000)]);
  process.exit(code);
}

const deadline = setTimeout(
  () => void abort(`still running after ${DEADLINE_MS / 60_000} min`, 1),
  DEADLINE_MS,
);
deadline.unref();
process.once('SIGINT', () => void abort('interrupted', 130));
process.once('SIGTERM', () => void abort('terminated', 143));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(
      err instanceof UsageError
        ? `${err.message}\n${USAGE}`
        : `test:resilience failed: ${(err as Error)?.stack ?? String(err)}`,
    );
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
