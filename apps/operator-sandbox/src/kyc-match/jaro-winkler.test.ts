import { describe, expect, it } from '@jest/globals';
import { jaroWinkler, matchScore } from './jaro-winkler.js';

describe('Jaro-Winkler', () => {
  // Reference values from Winkler (1990) and the usual textbook examples.
  it.each([
    ['MARTHA', 'MARHTA', 0.9611],
    ['DWAYNE', 'DUANE', 0.84],
    ['DIXON', 'DICKSONX', 0.8133],
    ['JELLYFISH', 'SMELLYFISH', 0.8963],
  ])('%s ~ %s = %f', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 4);
  });

  it('is 1 for equal strings, 0 with nothing in common or one empty string', () => {
    expect(jaroWinkler('ana', 'ana')).toBe(1);
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('abc', '')).toBe(0);
  });

  it('is symmetric and compares code points, not UTF-16 units', () => {
    expect(jaroWinkler('garcía', 'garcia')).toBeCloseTo(jaroWinkler('garcia', 'garcía'), 10);
    expect(jaroWinkler('𝒜na', '𝒜na')).toBe(1);
    expect(jaroWinkler('𝒜na', 'Ana')).toBeCloseTo(jaroWinkler('Xna', 'Ana'), 10);
  });

  it('scores 0 to 100', () => {
    expect(matchScore('MARTHA', 'MARHTA')).toBe(96);
    expect(matchScore('garcia', 'garcía')).toBe(93);
    expect(matchScore('a', 'b')).toBe(0);
  });
});
