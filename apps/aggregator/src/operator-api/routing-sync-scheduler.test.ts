import { describe, expect, it } from '@jest/globals';
import { jittered } from './routing-sync-scheduler.js';

describe('jittered', () => {
  it('moves the base by at most ± the jitter fraction', () => {
    expect(jittered(1000, 0.2, () => 0)).toBe(800);
    expect(jittered(1000, 0.2, () => 0.5)).toBe(1000);
    expect(jittered(1000, 0.2, () => 0.999999)).toBe(1200);
    expect(jittered(1000, 0, () => 0)).toBe(1000);
  });

  it('never answers less than a millisecond', () => {
    expect(jittered(0, 0.5, () => 0)).toBe(1);
  });
});
