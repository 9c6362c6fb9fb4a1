export interface TtlCacheOptions {
  /**
   * When a refresh fails with an error this accepts (the database is down), the last loaded
   * value is served for another `ttlMs` instead of the error.
   */
  readonly staleOnError?: (err: unknown) => boolean;
  readonly clock?: () => number;
}

interface Entry<T> {
  value: Promise<T>;
  until: number;
  last?: { value: T };
}

/**
 * Memoises an async lookup per key for `ttlMs`. Used on the flow's hot path for data that
 * admins change rarely (client metadata, operators): other processes see a change within
 * `ttlMs`; this process sees it at once through `clear()`.
 */
export function ttlCached<T>(
  ttlMs: number,
  load: (key: string) => Promise<T>,
  options: TtlCacheOptions = {},
): ((key: string) => Promise<T>) & { clear(): void } {
  const now = options.clock ?? Date.now;
  const entries = new Map<string, Entry<T>>();
  const get = (key: string) => {
    const hit = entries.get(key);
    if (hit && hit.until > now()) return hit.value;
    const loaded = load(key);
    const entry: Entry<T> = { value: loaded, until: now() + ttlMs, ...withLast(hit) };
    const stale = entry.last;
    if (stale && options.staleOnError) {
      const accept = options.staleOnError;
      entry.value = loaded.catch((err: unknown) => {
        if (accept(err)) return stale.value;
        throw err;
      });
    }
    entries.set(key, entry);
    loaded.then(
      (value) => (entry.last = { value }),
      () => undefined,
    );
    entry.value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    if (entries.size > 10_000) entries.delete(entries.keys().next().value!);
    return entry.value;
  };
  return Object.assign(get, { clear: () => entries.clear() });
}

const withLast = <T>(hit: Entry<T> | undefined) => (hit?.last ? { last: hit.last } : {});
