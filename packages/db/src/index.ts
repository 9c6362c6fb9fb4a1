export {
  DEFAULT_DATABASE_URL,
  DatabaseUrlError,
  describeTarget,
  parseDatabaseUrl,
  redactUrl,
  type DatabaseTarget,
} from './database-url.js';
export { isDatabaseUnavailable } from './database-errors.js';
export {
  createDatabase,
  type CreateDatabaseOptions,
  type Database,
  type DatabaseLog,
} from './database.js';
export { migrateLatest, migrationStatus, rollbackLast, type MigrationStatus } from './migrator.js';
export { DatabaseInUseError } from './pglite-lock.js';
export { isStorableText, storableJson, storableText } from './storable-text.js';
