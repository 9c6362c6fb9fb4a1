import type { DatabaseLog } from '@switchboard/db';
import type { Logger } from '@switchboard/telco-finder';

/** knex's own messages as structured log lines; the first line only (no stack traces). */
export function databaseLog(logger: Logger): DatabaseLog {
  const line = (message: string) => String(message).split('\n', 1)[0];
  return {
    warn: (message) => logger.warn('database client', { detail: line(message) }),
    error: (message) => logger.error('database client', { detail: line(message) }),
    deprecate: (message) => logger.warn('database client', { detail: line(message) }),
    // knex only debugs with `debug: true`, which the aggregator never sets.
    debug: () => undefined,
  };
}
