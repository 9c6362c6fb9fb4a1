import { describe, expect, it } from '@jest/globals';
import { ttlCached } from './ttl-cache.js';

class Down extends Error {}

function source() {
  const state = { calls: 0, failWith: undefined as Error | undefined, value: 'v1' };
  const load = async (key: string) => {
    state.calls += 1;
    if (state.failWith) throw state.failWith;
    return `${key}:${state.value}`;
  };
  return { state, load };
}

describe('ttlCached', () => {
  it('memoises per key for the ttl, then reloads', async () => {
    let t = 0;
    const { state, load } = source();
    const get = ttlCached(1_000, load, { clock: () => t });
    expect(await get('a')).toBe('a:v1');
    state.value = 'v2';
    expect(await get('a')).toBe('a:v1');
    t = 1_001;
    expect(await get('a')).toBe('a:v2');
    expect(state.calls).toBe(2);
  });

  it('does not cache a failure', async () => {
    const { state, load } = source();
    const get = ttlCached(1_000, load, { clock: () => 0 });
    state.failWith = new Error('boom');
    await expect(get('a')).rejects.toThrow('boom');
    state.failWith = undefined;
    expect(await get('a')).toBe('a:v1');
  });

  it('serves the last value while refreshes fail with an accepted error, then refreshes again', async () => {
    let t = 0;
    const { state, load } = source();
    const get = ttlCached(1_000, load, { clock: () => t, staleOnError: (e) => e instanceof Down });
    expect(await get('a')).toBe('a:v1');
    state.failWith = new Down('database down');
    state.value = 'v2';
    t = 1_001;
    expect(await get('a')).toBe('a:v1');
    t = 2_002;
    expect(await get('a')).toBe('a:v1');
    state.failWith = undefined;
    t = 3_003;
    expect(await get('a')).toBe('a:v2');
  });

  it('still fails for other errors, and when nothing was ever loaded', async () => {
    let t = 0;
    const { state, load } = source();
    const get = ttlCached(1_000, load, { clock: () => t, staleOnError: (e) => e instanceof Down });
    state.failWith = new Down('database down');
    await expect(get('a')).rejects.toBeInstanceOf(Down);
    state.failWith = undefined;
    expect(await get('a')).toBe('a:v1');
    t = 1_001;
    state.failWith = new Error('bug');
    await expect(get('a')).rejects.toThrow('bug');
  });

  it('clear() forgets the stale values too', async () => {
    let t = 0;
    const { state, load } = source();
    const get = ttlCached(1_000, load, { clock: () => t, staleOnError: () => true });
    await get('a');
    get.clear();
    state.failWith = new Down('database down');
    t = 1_001;
    await expect(get('a')).rejects.toBeInstanceOf(Down);
  });
});
