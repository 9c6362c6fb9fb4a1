import type { Knex } from 'knex';
import { migrations } from '../../../migrations/index.js';

// A static migration source: works the same under tsx, jest and any bundler,
// unlike knex's directory scan which depends on the runtime's loader.
const source: Knex.MigrationSource<string> = {
  getMigrations: async () => migrations.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = migrations.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};

const config: Knex.MigratorConfig = { migrationSource: source, tableName: 'knex_migrations' };

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
  return applied;
}

export async function rollbackLast(knex: Knex): Promise<string[]> {
  const [, rolledBack] = (await knex.migrate.rollback(config)) as [number, string[]];
  return rolledBack;
}

export async function migrationStatus(knex: Knex): Promise<MigrationStatus> {
  const [done, pending] = (await knex.migrate.list(config)) as [
    Array<{ name: string }>,
    Array<{ file: string } | string>,
  ];
  return {
    applied: done.map((m) => m.name),
    pending: pending.map((m) => (typeof m === 'string' ? m : m.file)),
  };
}
