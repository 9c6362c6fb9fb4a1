/**
 * PostgreSQL `text` cannot hold U+0000: a query that compares a column with such a string
 * fails (SQLSTATE 22021) instead of matching nothing. Lookups by a key that came from a
 * request check this first, so a hostile key is "not found", never a 500.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000');
}
