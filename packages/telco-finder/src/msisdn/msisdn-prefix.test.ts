import { describe, expect, it } from '@jest/globals';
import { PrefixError, parseMsisdnPrefix, parsePhoneNumber } from './msisdn-prefix.js';

describe('parseMsisdnPrefix', () => {
  it.each([
    ['+346', '346'],
    ['346', '346'],
    ['1', '1'],
    ['+1', '1'],
    ['123456789012345', '123456789012345'],
  ])('%s → %s', (input, digits) => {
    expect(parseMsisdnPrefix(input)).toBe(digits);
  });

  it.each([
    '',
    '+',
    '0',
    '+0346',
    '34 6',
    '34-6',
    '++346',
    '1234567890123456',
    'abc',
    '３４６',
    '346+',
  ])('rejects %j with a clear message', (input) => {
    expect(() => parseMsisdnPrefix(input)).toThrow(PrefixError);
    expect(() => parseMsisdnPrefix(input)).toThrow(
      `invalid MSISDN prefix '${input}': expected 1-15 digits, optionally after '+', not starting with 0`,
    );
  });

  it('rejects values that are not strings', () => {
    expect(() => parseMsisdnPrefix(346 as unknown as string)).toThrow(PrefixError);
  });
});

describe('parsePhoneNumber', () => {
  it.each([
    ['+34600000001', '34600000001'],
    ['+12345', '12345'],
    ['+123456789012345', '123456789012345'],
  ])('%s → %s', (input, digits) => {
    expect(parsePhoneNumber(input)).toBe(digits);
  });

  it.each([
    '',
    '+',
    '34600000001',
    '+1234',
    '+1234567890123456',
    '+034600000001',
    '+34 600 000 001',
    '+34600000001 ',
    'tel:+34600000001',
  ])('rejects %j', (input) => {
    expect(parsePhoneNumber(input)).toBeUndefined();
  });
});
