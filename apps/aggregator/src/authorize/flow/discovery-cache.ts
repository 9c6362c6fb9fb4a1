/** The operator version a cached discovery belongs to. */
export interface OperatorVersion {
  readonly id: string;
  readonly updatedAt: string;
}

/** Discovered operator configurations: one entry per operator, the newest version only. */
export interface DiscoveryCache<T> {
  /** The cached value of this operator version, else `load()`'s (a failure is not kept). */
  get(op: OperatorVersion, load: () => Promise<T>): Promise<T>;
  readonly size: number;
}

export interface DiscoveryCacheOptions {
  /** How long a discovery is reused; 0 disables the cache. */
  readonly ttlMs: number;
  /** At most this many operators are kept; the least recently used goes first. */
  readonly maxOperators: number;
  readonly now?: () => number;
}

/**
 * Keyed by operator id, stamped with the operator's `updatedAt`: an admin or self-service change
 * replaces the operator's entry at its next use (never one entry per version kept forever), and
 * the number of operators kept is bounded.
 */
export function createDiscoveryCache<T>(options: DiscoveryCacheOptions): DiscoveryCache<T> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { version: string; value: Promise<T>; until: number }>();

  return {
    get(op, load) {
      const hit = entries.get(op.id);
      if (hit && hit.version === op.updatedAt && hit.until > now()) {
        // Map order is recency order: re-insert on use.
        entries.delete(op.id);
        entries.set(op.id, hit);
        return hit.value;
      }
      const value = load();
      if (options.ttlMs <= 0) return value;
      const entry = { version: op.updatedAt, value, until: now() + options.ttlMs };
      entries.delete(op.id);
      entries.set(op.id, entry);
      for (const id of entries.keys()) {
        if (entries.size <= options.maxOperators) break;
        entries.delete(id);
      }
      value.catch(() => {
        if (entries.get(op.id) === entry) entries.delete(op.id);
      });
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
