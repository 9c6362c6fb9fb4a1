import type { Command } from 'commander';
import type { SyncOutcome } from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { idSegment } from '../io.js';

/** `switchboard routing sync`: poll one operator's GSMA routing table now. */
export function registerRoutingCommands(program: Command, ctx: CommandContext): void {
  const routing = program
    .command('routing')
    .description("operators' published GSMA routing tables (OPG.10 /telco-routing/v1/routing)");
  routing
    .command('sync')
    .argument('<operatorId>')
    .description("fetch the operator's routing table now, apply the difference, print it")
    .addHelpText(
      'after',
      `
The operator's routing URL is set with "switchboard operators update <id> --routing-url <url>"
(or by the operator through /operators/v1). A table that cannot be fetched, is malformed or
claims another operator's routes changes nothing (exit 1, or 2 for a conflict); the reason is
kept and shown by "switchboard operators show <id>".

Example:
  $ switchboard routing sync sandbox-a`,
    )
    .action(
      ctx.run(async (operatorId: string) => {
        const r = await ctx
          .client()
          .send<SyncOutcome>(
            'POST',
            `/operators/${idSegment(operatorId, 'the operator id')}/routing-sync`,
          );
        ctx.out().result(r, () => renderSync(r));
      }),
    );
}

export function renderSync(r: SyncOutcome): string {
  const lines = [`${r.operatorId}: ${r.rules} rule(s) from ${r.routingUrl}`];
  for (const [kind, d] of Object.entries(r.diff)) {
    for (const v of d.added) lines.push(`  + ${kind.padEnd(8)} ${v}`);
    for (const v of d.removed) lines.push(`  - ${kind.padEnd(8)} ${v}`);
  }
  const changed = Object.values(r.diff).some((d) => d.added.length + d.removed.length > 0);
  if (!changed) lines.push('  no change');
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
