import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

interface ConsoleLink {
  readonly url: string;
  readonly expiresAt: string;
}

/** `switchboard console`: a one-time sign-in link to the web console (docs/console.md). */
export function registerConsoleCommand(program: Command, ctx: CommandContext): void {
  program
    .command('console')
    .description(
      'print a one-time sign-in link to the web console (valid 5 minutes, opens one browser session)',
    )
    .addHelpText(
      'after',
      `
The console (usage charts, operator health, apps, audit log, verification lookup) is served by
the admin listener at <SWITCHBOARD_ADMIN_URL>/console. Open the printed link in a browser on a
machine that reaches the admin listener; it signs that browser in (8 h idle, 24 h at most) and
cannot be used again. Without a link, sign in on the console page with the admin token.

Examples:
  $ switchboard console
  $ switchboard console --json`,
    )
    .action(
      ctx.run(async () => {
        const link = await ctx.client().send<ConsoleLink>('POST', '/console/links');
        ctx
          .out()
          .result(
            link,
            () => `${link.url}\n(one-time sign-in link, valid until ${link.expiresAt})`,
          );
      }),
    );
}
