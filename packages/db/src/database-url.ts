import path from 'node:path';

/** Where the data lives: a PostgreSQL server, or embedded PGlite on disk or in memory. */
export type DatabaseTarget =
  { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | undefined };

export const DEFAULT_DATABASE_URL = 'pglite:./.data/switchboard';

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/**
 * Parses the `DATABASE_URL` contract: `postgres://…` | `postgresql://…` |
 * `pglite:<dir>` | `pglite:memory`. Relative PGlite directories resolve against `cwd`.
 */
export function parseDatabaseUrl(value: string, cwd = process.cwd()): DatabaseTarget {
  const url = value.trim();
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new DatabaseUrlError(`DATABASE_URL is not a valid postgres URL: ${redactUrl(url)}`);
    }
    return { kind: 'postgres', url };
  }
  if (url.startsWith('pglite:')) {
    const rest = url.slice('pglite:'.length);
    if (rest === 'memory') return { kind: 'pglite', dataDir: undefined };
    if (rest === '')
      throw new DatabaseUrlError('DATABASE_URL pglite: needs a directory or "memory"');
    return { kind: 'pglite', dataDir: path.resolve(cwd, rest) };
  }
  throw new DatabaseUrlError(
    `DATABASE_URL must start with postgres://, pglite:<dir> or be pglite:memory (got "${redactUrl(url)}")`,
  );
}

/** Hides a password in a connection URL so it can be logged or shown. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** A short human description of the target, safe to log. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'postgres') return redactUrl(target.url);
  return target.dataDir ? `pglite:${target.dataDir}` : 'pglite:memory';
}
