/**
 * Whether an error means "the database cannot be reached right now" (refused, dropped, timed
 * out, shutting down) rather than "this query is wrong". Callers answer the first with a
 * retryable error (OAuth `temporarily_unavailable`, CAMARA 503) and keep what must not be lost.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return causes(err).some(isUnavailableCause);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (admin/crash shutdown,
 * cannot connect now), 53300 (too many connections).
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres reports a connection lost mid-query with a message only, no code. */
const LOST_CONNECTION =
  /Connection terminated|Connection ended unexpectedly|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/i;

function isUnavailableCause(e: { code?: unknown; name?: unknown; message?: unknown }): boolean {
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  // knex: no pooled connection could be acquired in time.
  if (e.name === 'KnexTimeoutError') return true;
  return typeof e.message === 'string' && LOST_CONNECTION.test(e.message);
}

/** The error, its `cause` chain and an AggregateError's members (dual-stack connects). */
function causes(
  err: unknown,
  depth = 0,
): Array<{ code?: unknown; name?: unknown; message?: unknown }> {
  if (!err || typeof err !== 'object' || depth > 5) return [];
  const e = err as { cause?: unknown; errors?: unknown };
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => causes(x, depth + 1)) : [];
  return [err as object, ...causes(e.cause, depth + 1), ...nested];
}
