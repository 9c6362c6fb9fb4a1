import { describe, expect, it } from '@jest/globals';
import { createRateLimiter, type RateCounterStore } from './rate-limiter.js';

/** The shared PostgreSQL table, in memory: two limiters on one store are two processes. */
function memoryStore() {
  const rows = new Map<string, number>();
  const calls: number[] = [];
  let failing = false;
  const store: RateCounterStore = {
    async add(windowStart, _expiresAt, deltas) {
      if (failing) throw new Error('database down');
      calls.push(deltas.size);
      const totals = new Map<string, number>();
      for (const [key, delta] of deltas) {
        const id = `${windowStart}|${key}`;
        rows.set(id, (rows.get(id) ?? 0) + delta);
        totals.set(key, rows.get(id)!);
      }
      return totals;
    },
    async deleteExpired() {},
  };
  return { store, rows, calls, fail: (v: boolean) => (failing = v) };
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const bucket = (key: string, limit: number) => [{ key, limit }];
const takeN = (l: ReturnType<typeof createRateLimiter>, key: string, limit: number, n: number) =>
  Array.from({ length: n }, () => l.take(bucket(key, limit)).allowed).filter(Boolean).length;

describe('rate limiter', () => {
  it('admits up to the limit per window, then refuses with the seconds left in the window', () => {
    const c = clock(60_000 * 10 + 15_000);
    const l = createRateLimiter({ windowMs: 60_000, store: memoryStore().store, clock: c.now });
    expect(takeN(l, 'proxy:ip:1.2.3.4', 3, 3)).toBe(3);
    expect(l.take(bucket('proxy:ip:1.2.3.4', 3))).toEqual({
      allowed: false,
      key: 'proxy:ip:1.2.3.4',
      retryAfterSeconds: 45,
    });
    expect(l.take(bucket('proxy:ip:5.6.7.8', 3)).allowed).toBe(true);
    c.advance(45_000);
    expect(takeN(l, 'proxy:ip:1.2.3.4', 3, 5)).toBe(3);
  });

  it('counts a request in every bucket, or in none when one is exhausted', () => {
    const c = clock();
    const l = createRateLimiter({ windowMs: 60_000, store: memoryStore().store, clock: c.now });
    const both = [
      { key: 'token:ip:a', limit: 2 },
      { key: 'token:client:x', limit: 10 },
    ];
    expect(l.take(both).allowed).toBe(true);
    expect(l.take(both).allowed).toBe(true);
    expect(l.take(both)).toMatchObject({ allowed: false, key: 'token:ip:a' });
    // The refused request did not count against the client.
    expect(takeN(l, 'token:client:x', 10, 20)).toBe(8);
  });

  it('treats a limit of 0 as unlimited', () => {
    const l = createRateLimiter({ windowMs: 1000, store: memoryStore().store, clock: () => 0 });
    expect(takeN(l, 'k', 0, 1000)).toBe(1000);
  });

  it('shares one budget between processes through the store', async () => {
    const m = memoryStore();
    const c = clock();
    const a = createRateLimiter({ windowMs: 60_000, store: m.store, clock: c.now });
    const b = createRateLimiter({ windowMs: 60_000, store: m.store, clock: c.now });
    expect(takeN(a, 'k', 10, 6)).toBe(6);
    await a.sync();
    expect(takeN(b, 'k', 10, 1)).toBe(1);
    await b.sync();
    // b now knows the 7 counted so far: it admits the 3 left and no more.
    expect(takeN(b, 'k', 10, 10)).toBe(3);
    await b.sync();
    // a's view is one sync old: it may admit one more, then learns the total and refuses.
    expect(takeN(a, 'k', 10, 1)).toBe(1);
    await a.sync();
    expect(takeN(a, 'k', 10, 5)).toBe(0);
    expect([...m.rows.values()]).toEqual([11]);
  });

  it('bounds the overshoot to what each process admits between two syncs', async () => {
    const m = memoryStore();
    const c = clock();
    const limiters = [1, 2, 3].map(() =>
      createRateLimiter({ windowMs: 60_000, store: m.store, clock: c.now }),
    );
    let admitted = 0;
    for (let round = 0; round < 20; round += 1) {
      for (const l of limiters) admitted += takeN(l, 'k', 30, 2);
      await Promise.all(limiters.map((l) => l.sync()));
    }
    expect(admitted).toBeGreaterThanOrEqual(30);
    expect(admitted).toBeLessThanOrEqual(30 + 3 * 2);
  });

  it('sends only changed keys, in batches, and nothing when idle', async () => {
    const m = memoryStore();
    const l = createRateLimiter({ windowMs: 60_000, store: m.store, clock: () => 0, batchSize: 2 });
    for (const key of ['a', 'b', 'c']) l.take(bucket(key, 5));
    await l.sync();
    await l.sync();
    expect(m.calls).toEqual([2, 1]);
  });

  it('keeps counting locally while the store fails, and sends the counts once it is back', async () => {
    const m = memoryStore();
    const l = createRateLimiter({ windowMs: 60_000, store: m.store, clock: () => 0 });
    m.fail(true);
    expect(takeN(l, 'k', 5, 3)).toBe(3);
    await expect(l.sync()).rejects.toThrow('database down');
    expect(takeN(l, 'k', 5, 5)).toBe(2);
    m.fail(false);
    await l.sync();
    expect([...m.rows.values()]).toEqual([5]);
  });

  it('forgets the previous window, also when its sync answers after the window rolled', async () => {
    const m = memoryStore();
    const c = clock(0);
    const l = createRateLimiter({ windowMs: 1000, store: m.store, clock: c.now });
    expect(takeN(l, 'k', 2, 2)).toBe(2);
    const late = l.sync();
    c.advance(1000);
    expect(takeN(l, 'k', 2, 1)).toBe(1);
    await late;
    expect(takeN(l, 'k', 2, 5)).toBe(1);
  });

  it('peeks without counting: an exhausted bucket refuses, an unknown one gets no entry', () => {
    const l = createRateLimiter({
      windowMs: 60_000,
      store: memoryStore().store,
      clock: () => 0,
      maxKeys: 1,
    });
    for (let i = 0; i < 5; i += 1) expect(l.peek(bucket('unknown', 1)).allowed).toBe(true);
    // The peeks created nothing: the one slot is still free for a counted key.
    expect(takeN(l, 'a', 2, 2)).toBe(2);
    expect(l.peek(bucket('a', 2))).toMatchObject({ allowed: false, key: 'a' });
    expect(l.peek(bucket('a', 3)).allowed).toBe(true);
  });

  it('records an answered request whatever the limit, and refuses the next one', () => {
    const l = createRateLimiter({ windowMs: 60_000, store: memoryStore().store, clock: () => 0 });
    for (let i = 0; i < 3; i += 1) l.record(bucket('client', 2));
    expect(l.peek(bucket('client', 3)).allowed).toBe(false);
    expect(l.take(bucket('client', 3)).allowed).toBe(false);
    expect(l.take(bucket('client', 4)).allowed).toBe(true);
  });
});

// The limiter stopped limiting when it was full: past maxKeys keys in a window, take()
// admitted every new key uncounted. Now it evicts what it can evict without losing a count
// (a synced entry: the store holds its total) and otherwise refuses (ADR 0001).
describe('rate limiter with a full table', () => {
  const full = (maxKeys: number) => {
    const m = memoryStore();
    const l = createRateLimiter({ windowMs: 60_000, store: m.store, clock: () => 0, maxKeys });
    return { m, l };
  };

  it('still limits a fresh key after the table filled with other keys', async () => {
    const { l } = full(3);
    for (const key of ['a', 'b', 'c']) expect(takeN(l, key, 5, 1)).toBe(1);
    await l.sync();
    expect(takeN(l, 'fresh', 2, 10)).toBe(2);
    // 'd' and 'e' take the places of the synced 'b' and 'c'; then nothing can be evicted
    // without losing a count, and 'f' is refused rather than let through uncounted.
    expect(['d', 'e', 'f'].map((key) => takeN(l, key, 2, 10))).toEqual([2, 2, 0]);
  });

  it('refuses a key it cannot count while every tracked key has unsynced counts', async () => {
    const { l } = full(2);
    expect(takeN(l, 'a', 5, 1)).toBe(1);
    expect(takeN(l, 'b', 5, 1)).toBe(1);
    expect(l.take(bucket('fresh', 5))).toEqual({
      allowed: false,
      key: 'fresh',
      retryAfterSeconds: 1,
    });
    // A request of two buckets, one of them new, is counted in neither.
    expect(l.take([...bucket('a', 5), ...bucket('fresh', 5)]).allowed).toBe(false);
    expect(takeN(l, 'a', 5, 10)).toBe(4);
    await l.sync();
    expect(takeN(l, 'fresh', 5, 10)).toBe(5);
  });

  it('evicts the least recently used synced key, never one in use', async () => {
    const { l } = full(2);
    expect(takeN(l, 'hot', 2, 1)).toBe(1);
    await l.sync();
    expect(takeN(l, 'idle', 5, 1)).toBe(1);
    await l.sync();
    expect(takeN(l, 'hot', 2, 1)).toBe(1);
    await l.sync();
    // 'hot' was used after 'idle': the new key takes 'idle''s place.
    expect(takeN(l, 'new', 5, 1)).toBe(1);
    expect(takeN(l, 'hot', 2, 5)).toBe(0);
    await l.sync();
    // Refusals keep 'hot' in use too: the next new key evicts 'new', not 'hot'.
    expect(takeN(l, 'hot', 2, 1)).toBe(0);
    expect(takeN(l, 'newer', 5, 1)).toBe(1);
    expect(takeN(l, 'hot', 2, 5)).toBe(0);
  });

  it('an evicted key gets its global total back at the next sync', async () => {
    const { m, l } = full(1);
    expect(takeN(l, 'a', 3, 3)).toBe(3);
    await l.sync();
    expect(takeN(l, 'b', 3, 1)).toBe(1);
    await l.sync();
    // 'a' comes back as a key this process has not seen (ADR 0001: one sync interval)...
    expect(takeN(l, 'a', 3, 1)).toBe(1);
    await l.sync();
    // ...and the sync brings back the total the store kept: 'a' is refused again.
    expect(takeN(l, 'a', 3, 5)).toBe(0);
    expect(m.rows.get('0|a')).toBe(4);
  });
});
