import { describe, expect, it } from '@jest/globals';
import { maskAddress } from './logger.js';

describe('maskAddress', () => {
  it('keeps only the network half of device addresses', () => {
    expect(maskAddress('127.10.0.5')).toBe('127.10.x.x');
    expect(maskAddress('::ffff:127.10.0.5')).toBe('127.10.x.x');
    expect(maskAddress('2001:db8:1:2::7')).toBe('2001:db8::/32');
    expect(maskAddress(undefined)).toBe('unknown');
    expect(maskAddress('nonsense')).toBe('unknown');
  });
});
