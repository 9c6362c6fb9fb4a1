import type { Command } from 'commander';
import {
  createDatabase,
  DEFAULT_DATABASE_URL,
  migrateLatest,
  migrationStatus,
  rollbackLast,
} from '@switchboard/db';
import type { CommandContext } from '../context.js';
import type { CliIo } from '../io.js';
import { table } from '../output.js';

/** The only commands that open the database themselves (everything else goes through the admin API). */
export function registerDbCommands(program: Command, ctx: CommandContext, io: CliIo): void {
  const db = program
    .command('db')
    .description(
      'database schema (opens DATABASE_URL directly; stop the aggregator first when it is embedded PGlite)',
    );
  const open = () => createDatabase(io.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, { poolMax: 1 });

  db.command('migrate')
    .description('apply pending migrations')
    .action(
      ctx.run(async () => {
        const database = await open();
        try {
          const applied = await migrateLatest(database.knex);
          ctx
            .out()
            .result({ applied }, () =>
              applied.length ? `applied: ${applied.join(', ')}` : 'already up to date',
            );
        } finally {
          await database.close();
        }
      }),
    );

  db.command('rollback')
    .description('undo the last batch of migrations')
    .action(
      ctx.run(async () => {
        const database = await open();
        try {
          const rolledBack = await rollbackLast(database.knex);
          ctx
            .out()
            .result({ rolledBack }, () =>
              rolledBack.length ? `rolled back: ${rolledBack.join(', ')}` : 'nothing to roll back',
            );
        } finally {
          await database.close();
        }
      }),
    );

  db.command('status')
    .description('list applied and pending migrations')
    .action(
      ctx.run(async () => {
        const database = await open();
        try {
          const s = await migrationStatus(database.knex);
          ctx
            .out()
            .result(
              { ...s, database: database.description },
              () =>
                `database ${database.description}\n` +
                table(
                  ['migration', 'state'],
                  [
                    ...s.applied.map((m) => [m, 'applied']),
                    ...s.pending.map((m) => [m, 'pending']),
                  ],
                ),
            );
        } finally {
          await database.close();
        }
      }),
    );
}
