import type { Command } from 'commander';
import type {
  ConformanceResult,
  HealthReport,
  ItemList,
  LatencySummary,
  TestSubscriber,
  TestSubscriberInput,
} from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, idSegment } from '../io.js';
import { table } from '../output.js';

// `switchboard operators check|health` and the test subscriber (docs/operator-conformance.md).

export interface TestSubscriberFlags {
  testDeviceIp?: string | false;
  testPhoneNumber?: string | false;
}

export function withTestSubscriberFlags(cmd: Command): Command {
  return cmd
    .option(
      '--test-device-ip <ip>',
      'a device address of its test subscriber that this host can send from (sandboxes), for `operators check`',
    )
    .option('--no-test-device-ip', 'forget the test device address')
    .option(
      '--test-phone-number <tel>',
      "its test subscriber's number (E.164), which its CIBA grants at once, for `operators check`",
    )
    .option('--no-test-phone-number', 'forget the test phone number');
}

/** The PUT body for the flags given, or undefined when none was. */
export function testSubscriberPatch(flags: TestSubscriberFlags): TestSubscriberInput | undefined {
  const patch: TestSubscriberInput = {};
  if (flags.testDeviceIp !== undefined)
    patch.deviceIp = flags.testDeviceIp === false ? null : flags.testDeviceIp;
  if (flags.testPhoneNumber !== undefined)
    patch.phoneNumber = flags.testPhoneNumber === false ? null : flags.testPhoneNumber;
  return Object.keys(patch).length ? patch : undefined;
}

export async function putTestSubscriber(
  ctx: CommandContext,
  id: string,
  patch: TestSubscriberInput,
): Promise<TestSubscriber> {
  return ctx
    .client()
    .send<TestSubscriber>(
      'PUT',
      `/operators/${idSegment(id, 'the operator id')}/test-subscriber`,
      patch,
    );
}

/** `operators show`: the test subscriber and the last conformance result (undefined: none). */
export async function conformanceOf(ctx: CommandContext, path: string) {
  const [subscriber, last] = await Promise.all([
    ctx.client().get<TestSubscriber>(`${path}/test-subscriber`),
    ctx.client().get<ItemList<ConformanceResult>>(`${path}/conformance-checks`, { limit: '1' }),
  ]);
  const r = last.items[0];
  return {
    testSubscriber: subscriber,
    lastConformance: r ? { ranAt: r.ranAt, passed: r.passed, failed: r.failed } : null,
  };
}

export function lastConformanceText(
  last: { ranAt: string; passed: boolean; failed: number } | null,
) {
  if (!last) return 'never checked (switchboard operators check <id>)';
  return `${last.passed ? 'passed' : 'FAILED'} (${last.failed} failed) at ${last.ranAt}`;
}

const OUTCOME = { pass: 'yes', fail: 'NO', info: 'info' } as const;

export function registerConformanceCommands(ops: Command, ctx: CommandContext): void {
  ops
    .command('check')
    .argument('<id>')
    .description(
      'run the conformance suite against an operator now and keep the result (exit 1 when a scenario fails)',
    )
    .addHelpText(
      'after',
      `
Scenarios (docs/operator-conformance.md):
  discovery.*            issuer equality, JWKS, PKCE S256, private_key_jwt, CIBA, JWT-bearer
  <api>/<v> <op> @401.*  401 UNAUTHENTICATED without and with an invalid token, CAMARA error body
  <api>/<v> <op> x-correlator echo|pattern
  <api>/<v> <op> @<test definition>  success scenarios for the test subscriber, when one is set
                         (operators update <id> --test-device-ip … | --test-phone-number …)
PASS is yes, NO (a failure) or info (not a failure: not offered, not run).

Examples:
  $ switchboard operators check sandbox-a
  $ switchboard operators check sandbox-a --json`,
    )
    .action(
      ctx.run(async (id: string) => {
        const r = await ctx
          .client()
          .send<ConformanceResult>(
            'POST',
            `/operators/${idSegment(id, 'the operator id')}/conformance-checks`,
          );
        ctx.out().result(r, () =>
          [
            table(
              ['scenario', 'expected', 'got', 'pass'],
              r.scenarios.map((x) => [x.id, x.expected, x.got, OUTCOME[x.outcome]]),
            ),
            '',
            `${r.passed ? 'passed' : 'FAILED'}: ${r.scenarios.length} scenarios, ${r.failed} failed (${r.ranAt})`,
          ].join('\n'),
        );
        if (!r.passed) {
          const names = r.scenarios.filter((x) => x.outcome === 'fail').map((x) => x.id);
          ctx
            .out()
            .info(
              `FAILED: ${r.failed} of ${r.scenarios.length} scenarios failed: ${names.join(', ')}`,
            );
          ctx.setExitCode(EXIT.failure);
        }
      }),
    );

  ops
    .command('health')
    .description(
      'per-operator scorecard over a window: operator legs, call latency, error rates, circuit openings, last check',
    )
    .option('--window <duration>', 'how far back, e.g. 30m, 24h, 7d (at most 31d)', '24h')
    .addHelpText(
      'after',
      `
Columns (docs/operator-conformance.md, "The scorecard"):
  AUTHORIZE P50/P99  device sent to the operator → its callback (ms, flows this aggregator started)
  TOKEN P50/P99      code → OperatorAccessToken at the operator's token endpoint (ms)
  CALLS P50/P99      proxied CAMARA calls (ms); ERRORS 5xx but 504, TIMEOUTS 504 (share of calls)
  CIRCUIT OPENINGS   times the proxy's circuit to the operator opened
  LAST CHECK         the last operators check

Examples:
  $ switchboard operators health
  $ switchboard operators health --window 7d --json`,
    )
    .action(
      ctx.run(async (flags: { window: string }) => {
        const r = await ctx
          .client()
          .get<HealthReport>('/operator-health', { window: flags.window });
        ctx.out().result(
          r,
          () =>
            table(
              [
                'operator',
                'status',
                'authorize p50/p99',
                'token p50/p99',
                'token failed',
                'calls',
                'calls p50/p99',
                'errors',
                'timeouts',
                'circuit openings',
                'last check',
              ],
              r.items.map((h) => [
                h.operatorId,
                h.status,
                `${latency(h.authorizeLeg)} (${h.authorizeLeg.count})`,
                `${latency(h.tokenLeg)} (${h.tokenLeg.count})`,
                h.tokenLeg.failed,
                h.calls.count,
                latency(h.calls),
                percent(h.calls.errorRate),
                percent(h.calls.timeoutRate),
                h.circuitOpenings,
                h.lastConformance
                  ? `${h.lastConformance.passed ? 'passed' : 'FAILED'} ${h.lastConformance.ranAt}`
                  : 'never',
              ]),
            ) + `\n\nwindow ${r.window}, since ${r.since}`,
        );
      }),
    );
}

const ms = (v: number | null) => (v === null ? '-' : String(Math.round(v)));
const latency = (s: LatencySummary) => `${ms(s.p50Ms)}/${ms(s.p99Ms)}`;
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

export function requireSomething(patch: object, subscriber: unknown): void {
  if (Object.keys(patch).length === 0 && subscriber === undefined)
    throw new CliError('nothing to update: give at least one option');
}
