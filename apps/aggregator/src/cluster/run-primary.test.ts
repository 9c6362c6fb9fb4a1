import { describe, expect, it } from '@jest/globals';
import { restartDelay } from './run-primary.js';

describe('worker restart back-off', () => {
  it('doubles for each crash in a row, from the minimum up to the maximum', () => {
    const policy = { minMs: 500, maxMs: 30_000, stableMs: 60_000 };
    expect([1, 2, 3, 4, 7, 8, 20].map((n) => restartDelay(n, policy))).toEqual([
      500, 1_000, 2_000, 4_000, 30_000, 30_000, 30_000,
    ]);
  });
});
