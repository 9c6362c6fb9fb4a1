import type { Command } from 'commander';
import type { LookupQuery, LookupResult } from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { CliError, EXIT } from '../io.js';
import { keyValues } from '../output.js';

export function registerLookupCommand(program: Command, ctx: CommandContext): void {
  program
    .command('lookup')
    .argument('<ip | +E164>')
    .description('which operator serves this IP address or phone number (exit 3 when none)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ switchboard lookup 127.10.0.5\n  $ switchboard lookup 2001:db8::1\n  $ switchboard lookup +34600000001',
    )
    .action(
      ctx.run(async (target: string) => {
        // A leading '+' says the admin means a number; the admin API checks it is E.164.
        const query: LookupQuery = target.startsWith('+')
          ? { phoneNumber: target }
          : { ip: target };
        let r: LookupResult;
        try {
          r = await ctx.client().get<LookupResult>('/lookup', query);
        } catch (e) {
          // No match is an answer, not an error: its own exit code so scripts can branch on it.
          if (e instanceof CliError && /^no operator serves/.test(e.message)) {
            ctx.out().result({ match: null, target }, () => e.message);
            ctx.setExitCode(EXIT.noMatch);
            return;
          }
          throw e;
        }
        ctx
          .out()
          .result(r, () =>
            keyValues([
              ['operator', r.operatorId],
              ['name', r.operatorName],
              [`matched ${r.matched.type}`, r.matched.value],
              ...(r.telcoFinder ? [['dynamic: asks', r.telcoFinder] as [string, string]] : []),
            ]),
          );
      }),
    );
}
