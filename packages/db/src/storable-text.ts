/**
 * PostgreSQL `text` cannot hold U+0000: a query that compares a column with such a string
 * fails (SQLSTATE 22021) instead of matching nothing. Lookups by a key that came from a
 * request check this first, so a hostile key is "not found", never a 500.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000');
}

/** Text from outside (an operator's table, a request) made storable: U+0000 becomes U+FFFD. */
export function storableText(value: string): string {
  return value.replaceAll('\u0000', '\uFFFD');
}

/** JSON for a `jsonb` column, which refuses `\u0000` inside strings just as `text` does. */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? storableText(v) : v));
}
