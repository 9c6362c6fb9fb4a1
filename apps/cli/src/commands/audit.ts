import type { Command } from 'commander';
import {
  auditTime,
  type AdminAuditQuery,
  type AuditRecord,
  type ItemList,
} from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { CliError } from '../io.js';
import { table } from '../output.js';

/** `switchboard audit`: who changed what, when, with before/after. */
export function registerAuditCommand(program: Command, ctx: CommandContext): void {
  program
    .command('audit')
    .description(
      'show the audit log: who (admin, operator client, routing sync) changed what, when',
    )
    .option('--operator <id>', 'only changes to this operator')
    .option('--since <time>', 'from this time on: 2026-12-01, 2026-12-01T10:00:00Z, or 2h / 3d ago')
    .option('--limit <n>', 'at most this many of the newest entries (default 100)')
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard audit --operator es-movistar --since 7d
  $ switchboard audit --since 2026-12-01 --json`,
    )
    .action(
      ctx.run(async (flags: { operator?: string; since?: string; limit?: string }) => {
        const query: AdminAuditQuery = {
          operator: flags.operator,
          since: flags.since === undefined ? undefined : sinceTime(flags.since),
          limit: flags.limit,
        };
        const { items } = await ctx.client().get<ItemList<AuditRecord>>('/audit', query);
        ctx.out().result(items, () =>
          table(
            ['at', 'actor', 'action', 'operator', 'detail'],
            items.map((e) => [e.at, e.actor, e.action, e.operatorId ?? '', summary(e.detail)]),
          ),
        );
      }),
    );
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `2h`, `3d`, `30m` ago, or a time the admin API takes (its `since` rule). */
export function sinceTime(value: string, now = Date.now()): string {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) return new Date(now - Number(relative[1]) * UNITS[relative[2]!]!).toISOString();
  if (!auditTime(value))
    throw new CliError(
      `--since: not a time: '${value}' (e.g. 2026-12-01, 2026-12-01T10:00:00Z, 2h, 3d)`,
    );
  return value;
}

/** One line per entry; the full before/after is in --json. */
function summary(detail: Record<string, unknown>): string {
  const text = JSON.stringify(detail);
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}
