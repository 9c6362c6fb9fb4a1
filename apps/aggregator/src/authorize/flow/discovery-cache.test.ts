import { describe, expect, it } from '@jest/globals';
import { createDiscoveryCache } from './discovery-cache.js';

const version = (id: string, n: number) => ({ id, updatedAt: `2026-01-01T00:00:0${n}.000Z` });

function loader() {
  const calls: string[] = [];
  return {
    calls,
    load: (label: string) => () => {
      calls.push(label);
      return Promise.resolve(label);
    },
  };
}

// The operator discovery cache was keyed by `${id}|${updatedAt}` and never evicted: every
// operator update left its old configuration behind for the life of the process.
describe('operator discovery cache never evicted old operator versions', () => {
  it('keeps one entry per operator: a new version replaces the old', async () => {
    const cache = createDiscoveryCache<string>({ ttlMs: 60_000, maxOperators: 10 });
    const { calls, load } = loader();
    for (let n = 1; n <= 5; n++) await cache.get(version('op-a', n), load(`v${n}`));
    expect(cache.size).toBe(1);
    expect(await cache.get(version('op-a', 5), load('again'))).toBe('v5');
    expect(calls).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
  });

  it('stays bounded: the least recently used operator goes first', async () => {
    const cache = createDiscoveryCache<string>({ ttlMs: 60_000, maxOperators: 2 });
    const { calls, load } = loader();
    await cache.get(version('op-a', 1), load('a'));
    await cache.get(version('op-b', 1), load('b'));
    await cache.get(version('op-a', 1), load('a again'));
    await cache.get(version('op-c', 1), load('c'));
    expect(cache.size).toBe(2);
    await cache.get(version('op-a', 1), load('a third time'));
    await cache.get(version('op-b', 1), load('b again'));
    expect(calls).toEqual(['a', 'b', 'c', 'b again']);
  });

  it('does not keep a failed discovery, nor let it remove a newer version', async () => {
    const cache = createDiscoveryCache<string>({ ttlMs: 60_000, maxOperators: 10 });
    let fail!: (e: Error) => void;
    const failing = cache.get(
      version('op-a', 1),
      () => new Promise((_, reject) => (fail = reject)),
    );
    await cache.get(version('op-a', 2), () => Promise.resolve('v2'));
    fail(new Error('discovery failed'));
    await expect(failing).rejects.toThrow('discovery failed');
    expect(await cache.get(version('op-a', 2), () => Promise.resolve('reloaded'))).toBe('v2');

    await expect(
      cache.get(version('op-b', 1), () => Promise.reject(new Error('down'))),
    ).rejects.toThrow('down');
    expect(cache.size).toBe(1);
  });

  it('discovers again after the TTL, and not at all with a TTL of 0', async () => {
    let clock = 0;
    const cache = createDiscoveryCache<string>({
      ttlMs: 1_000,
      maxOperators: 10,
      now: () => clock,
    });
    const { calls, load } = loader();
    await cache.get(version('op-a', 1), load('first'));
    clock = 999;
    await cache.get(version('op-a', 1), load('cached'));
    clock = 1_000;
    await cache.get(version('op-a', 1), load('expired'));
    expect(calls).toEqual(['first', 'expired']);

    const off = createDiscoveryCache<string>({ ttlMs: 0, maxOperators: 10 });
    await off.get(version('op-a', 1), load('off 1'));
    await off.get(version('op-a', 1), load('off 2'));
    expect(calls.slice(2)).toEqual(['off 1', 'off 2']);
    expect(off.size).toBe(0);
  });
});
