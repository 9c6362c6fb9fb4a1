import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fuzzParameters, fuzzTimeout } from './fuzz-support.js';

describe('fuzz limits', () => {
  it('fails a case that never answers on its own timeout, not at the end of all the runs', async () => {
    const hung = fc.assert(
      fc.asyncProperty(fc.nat(), () => new Promise<void>(() => undefined)),
      fuzzParameters(2_000, 50),
    );
    const err = await hung.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/^Property failed after 1 tests/);
    expect(String(err?.cause)).toMatch(/timeout: exceeded limit of 50 milliseconds/);
  });

  it('passes the cases that answer in time', async () => {
    await expect(
      fc.assert(
        fc.asyncProperty(fc.nat(), async (n) => {
          expect(n).toBeGreaterThanOrEqual(0);
        }),
        fuzzParameters(20, 5_000),
      ),
    ).resolves.toBeUndefined();
  });

  it('lets a passing run take ten times the expected cost per case', () => {
    expect(fuzzTimeout(2_000, 60)).toBe(60_000 + 2_000 * 600);
    expect(fuzzTimeout(150)).toBe(60_000 + 150 * 400);
  });
});
