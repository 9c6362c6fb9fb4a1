import type { Command } from 'commander';
import type {
  ItemList,
  OverlapApproval,
  OverlapApprove,
  OverlapRevoke,
  OverlapsApproved,
  OverlapsRevoked,
} from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { table } from '../output.js';

/**
 * `switchboard overlaps`: admin approvals of operators' claims that overlap another operator's
 * routes or are broader than an operator may claim itself.
 */
export function registerOverlapCommands(program: Command, ctx: CommandContext): void {
  const overlaps = program
    .command('overlaps')
    .description(
      "approve operators' claims that overlap another operator's ranges or prefixes, or are very broad",
    );

  overlaps
    .command('approve')
    .argument('<operatorId>')
    .argument('<cidrOrPrefix...>')
    .option('--note <text>', 'why (kept with the approval and in the audit log)')
    .description(
      'let the operator claim these exact ranges or prefixes through the operator API or its routing table',
    )
    .addHelpText(
      'after',
      `
An MVNO's range inside its host network's range is the usual case. Claims broader than an
operator may make itself need an approval too: IPv4 broader than /10, IPv6 broader than /19,
E.164 prefixes of fewer than 4 digits. Exact duplicates of another operator's range or prefix
are never allowed.

Examples:
  $ switchboard overlaps approve es-mvno 88.10.0.0/16 --note "MVNO on Movistar"
  $ switchboard overlaps approve es-mvno +346050
  $ switchboard overlaps approve us-carrier 172.32.0.0/9 --note "checked with ARIN whois"`,
    )
    .action(
      ctx.run(async (operatorId: string, values: string[], flags: { note?: string }) => {
        const body: OverlapApprove = { operatorId, values, note: flags.note };
        const r = await ctx.client().send<OverlapsApproved>('POST', '/overlaps', body);
        ctx
          .out()
          .result(
            r,
            () =>
              `approved for ${operatorId}: ${r.approved.map(show).join(', ') || '(already approved)'}`,
          );
      }),
    );

  overlaps
    .command('list')
    .option('--operator <id>', 'only this operator')
    .description('list overlap approvals')
    .action(
      ctx.run(async (flags: { operator?: string }) => {
        const { items } = await ctx
          .client()
          .get<ItemList<OverlapApproval>>('/overlaps', { operator: flags.operator });
        ctx.out().result(items, () =>
          table(
            ['operator', 'kind', 'value', 'approved by', 'note', 'created'],
            items.map((a) => [
              a.operatorId,
              a.kind,
              show(a),
              a.approvedBy,
              a.note ?? '',
              a.createdAt,
            ]),
          ),
        );
      }),
    );

  overlaps
    .command('revoke')
    .argument('<operatorId>')
    .argument('<cidrOrPrefix...>')
    .description('withdraw approvals (routes already claimed stay; new claims are refused)')
    .action(
      ctx.run(async (operatorId: string, values: string[]) => {
        const body: OverlapRevoke = { operatorId, values };
        const r = await ctx.client().send<OverlapsRevoked>('POST', '/overlaps/revoke', body);
        ctx.out().result(r, () => `revoked ${r.revoked} approval(s) of ${operatorId}`);
      }),
    );
}

const show = (a: OverlapApproval) => (a.kind === 'prefix' ? `+${a.value}` : a.value);
