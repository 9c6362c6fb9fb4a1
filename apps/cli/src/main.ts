import { Command, CommanderError } from 'commander';
import { createAdminClient, type AdminClient } from './admin-client.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerClientCommands } from './commands/clients.js';
import { registerConsoleCommand } from './commands/console.js';
import { registerDbCommands } from './commands/db.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerLookupCommand } from './commands/lookup.js';
import { registerOperatorCommands } from './commands/operators.js';
import { registerOverlapCommands } from './commands/overlaps.js';
import { registerRoutingCommands } from './commands/routing.js';
import { registerRouteCommands } from './commands/routes.js';
import { registerUsageCommand } from './commands/usage.js';
import type { CommandContext } from './context.js';
import { CliError, EXIT, type CliIo } from './io.js';
import { createOutput, type Output } from './output.js';

const defaultIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});

/** Runs one CLI invocation and returns its exit code (never calls process.exit). */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  let client: AdminClient | undefined;
  let out: Output | undefined;
  const program = new Command('switchboard');

  const ctx: CommandContext = {
    client: () => (client ??= createAdminClient(io)),
    out: () => (out ??= createOutput(io, !!program.opts().json)),
    setExitCode: (code) => {
      exitCode = code;
    },
    run:
      (action) =>
      async (...args) => {
        try {
          await action(...args);
        } catch (e) {
          exitCode = report(e, io);
        }
      },
  };

  program
    .description(
      'Switchboard admin CLI: operators, IP ranges, MSISDN prefixes, lookups, clients, audit, console',
    )
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText(
      'after',
      `
Environment:
  SWITCHBOARD_ADMIN_URL    admin API (default http://127.0.0.1:3100)
  SWITCHBOARD_ADMIN_TOKEN  admin token (default: read from .data/admin-token)
  DATABASE_URL             for "db" commands only (default pglite:./.data/switchboard)

Exit codes: 0 ok, 1 server unreachable or failed, 2 bad input or conflict, 3 lookup found nothing.`,
    );
  registerDbCommands(program, ctx, io);
  registerOperatorCommands(program, ctx);
  registerRouteCommands(program, ctx, io);
  registerLookupCommand(program, ctx);
  registerClientCommands(program, ctx);
  registerKeyCommands(program, ctx);
  registerUsageCommand(program, ctx);
  registerOverlapCommands(program, ctx);
  registerRoutingCommands(program, ctx);
  registerAuditCommand(program, ctx);
  registerConsoleCommand(program, ctx);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors already printed their one line.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return report(e, io);
  }
  return exitCode;
}

function report(e: unknown, io: CliIo): number {
  if (e instanceof CliError) {
    io.stderr.write(`switchboard: ${e.message}\n`);
    for (const d of e.details.slice(0, 19)) io.stderr.write(`  ${d}\n`);
    return e.exitCode;
  }
  io.stderr.write(`switchboard: unexpected error: ${(e as Error)?.message ?? String(e)}\n`);
  return EXIT.failure;
}
