import { describe, expect, it } from '@jest/globals';
import { randomUuid } from './random-uuid.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomUuid', () => {
  it('makes version 4 UUIDs, all different, across batches', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const uuid = randomUuid();
      expect(uuid).toMatch(V4);
      seen.add(uuid);
    }
    expect(seen.size).toBe(1_000);
  });

  it('spreads the random hex digits over every value', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++)
      for (const c of randomUuid().slice(0, 8)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(16);
  });
});
