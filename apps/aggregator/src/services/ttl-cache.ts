/**
 * Memoises an async lookup per key for `ttlMs`. Used on the flow's hot path for data that
 * admins change rarely (client metadata, operators): other processes see a change within
 * `ttlMs`; this process sees it at once through `clear()`.
 */
export function ttlCached<T>(
  ttlMs: number,
  load: (key: string) => Promise<T>,
): ((key: string) => Promise<T>) & { clear(): void } {
  const entries = new Map<string, { value: Promise<T>; until: number }>();
  const get = (key: string) => {
    const hit = entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = load(key);
    entries.set(key, { value, until: Date.now() + ttlMs });
    value.catch(() => entries.delete(key));
    if (entries.size > 10_000) entries.delete(entries.keys().next().value!);
    return value;
  };
  return Object.assign(get, { clear: () => entries.clear() });
}
