import type { Command } from 'commander';
import { DAY_PATTERN, formatDay, type UsageQuery, type UsageReport } from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { CliError } from '../io.js';
import { table } from '../output.js';

interface UsageFlags {
  from?: string;
  to?: string;
  client?: string;
  operator?: string;
}

export function registerUsageCommand(program: Command, ctx: CommandContext): void {
  program
    .command('usage')
    .description('proxied CAMARA calls per UTC day × client × operator × API (both days inclusive)')
    .option('--from <YYYY-MM-DD>', `first day (UTC); default: ${DEFAULT_DAYS - 1} days before --to`)
    .option('--to <YYYY-MM-DD>', 'last day (UTC), inclusive; default: today')
    .option('--client <id>', 'only this app')
    .option('--operator <id>', 'only this operator')
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard usage                      # the last ${DEFAULT_DAYS} days, today included
  $ switchboard usage --from 2026-11-01 --to 2026-11-30
  $ switchboard usage --from 2026-11-25 --to 2026-11-25 --operator sandbox-a
  $ switchboard --json usage --from 2026-11-01 --to 2026-11-30 --client sb-abc123`,
    )
    .action(
      ctx.run(async (flags: UsageFlags) => {
        for (const [name, value] of [
          ['--from', flags.from],
          ['--to', flags.to],
        ] as const)
          if (value !== undefined && !DAY_PATTERN.test(value))
            throw new CliError(`${name} must be a date YYYY-MM-DD`);
        const query: UsageQuery = {
          ...reportWindow(flags, new Date()),
          client: flags.client,
          operator: flags.operator,
        };
        const report = await ctx.client().get<UsageReport>('/usage', query);
        ctx.out().result(report, () => render(report));
      }),
    );
}

/** Days in the report when neither --from nor --to is given: the last week, today included. */
const DEFAULT_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * The days to report: as given; a missing --to is today (UTC); a missing --from is
 * DEFAULT_DAYS days up to --to. The server checks the order and the span.
 */
export function reportWindow(
  flags: { from?: string; to?: string },
  now: Date,
): { from: string; to: string } {
  const to = flags.to ?? formatDay(now);
  const from =
    flags.from ?? formatDay(new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS));
  return { from, to };
}

function render(report: UsageReport): string {
  const rows = report.items.map((r) => [
    r.day,
    r.clientId,
    r.operatorId,
    r.api,
    r.calls,
    r.errors,
    `${(r.errorRate * 100).toFixed(1)}%`,
    `${Math.round(r.p50LatencyMs)} ms`,
  ]);
  const calls = report.items.reduce((n, r) => n + r.calls, 0);
  const errors = report.items.reduce((n, r) => n + r.errors, 0);
  return [
    table(['day', 'client', 'operator', 'api', 'calls', 'errors', 'error rate', 'p50'], rows),
    `total: ${calls} calls, ${errors} errors (${report.from} to ${report.to})`,
  ].join('\n');
}
