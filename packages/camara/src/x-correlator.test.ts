import { describe, expect, it } from '@jest/globals';
import { CamaraError } from './camara-error.js';
import { newCorrelator, validateCorrelator } from './x-correlator.js';

describe('x-correlator', () => {
  it('accepts absent, empty, UUID and every allowed punctuation', () => {
    expect(validateCorrelator(undefined)).toBeUndefined();
    expect(validateCorrelator('')).toBe('');
    const uuid = newCorrelator();
    expect(validateCorrelator(uuid)).toBe(uuid);
    expect(validateCorrelator('a-b_c:d;e.f/g<h>i{j}')).toBe('a-b_c:d;e.f/g<h>i{j}');
    expect(validateCorrelator('x'.repeat(256))).toHaveLength(256);
  });

  it.each([['x'.repeat(257)], ['has space'], ['semi"quote'], ['new\nline'], ['ünïcode']])(
    'rejects %j with 400 INVALID_ARGUMENT',
    (value) => {
      expect(() => validateCorrelator(value)).toThrow(CamaraError);
      try {
        validateCorrelator(value);
      } catch (err) {
        expect((err as CamaraError).code).toBe('INVALID_ARGUMENT');
        expect((err as CamaraError).status).toBe(400);
      }
    },
  );

  it('rejects a repeated header', () => {
    expect(() => validateCorrelator(['a', 'b'])).toThrow(/Only one/);
  });

  it('makes distinct UUIDs', () => {
    expect(newCorrelator()).toMatch(/^[0-9a-f-]{36}$/);
    expect(newCorrelator()).not.toBe(newCorrelator());
  });
});
