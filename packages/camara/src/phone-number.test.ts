import { describe, expect, it } from '@jest/globals';
import {
  hashPhoneNumber,
  isE164,
  isPhoneNumber,
  matchesDevicePhoneNumber,
  toE164,
} from './phone-number.js';

const MSISDN = '+346001000005';

describe('phone number rules', () => {
  // CAMARA NV test definition `verify0_phoneNumber_does_not_match_schema` examples.
  it.each([
    'string_value',
    '1234567890',
    '+12334foo22222',
    '+00012230304913849',
    '123',
    '++49565456787',
  ])('NV 2.1 rejects %s', (value) => expect(isPhoneNumber('v2', value)).toBe(false));

  it('NV 2.1 requires the + and NV 0.3.1 makes it optional', () => {
    expect(isPhoneNumber('v2', MSISDN)).toBe(true);
    expect(isPhoneNumber('v2', MSISDN.slice(1))).toBe(false);
    expect(isPhoneNumber('v0', MSISDN.slice(1))).toBe(true);
    expect(isPhoneNumber('v0', '++49565456787')).toBe(false);
    expect(isPhoneNumber('v0', '+1234')).toBe(false);
    expect(isPhoneNumber('v0', '+1234567890123456')).toBe(false);
  });

  it('isE164 is the NV 2.1 rule: E.164 with its +, 5 to 15 digits', () => {
    expect(isE164(MSISDN)).toBe(true);
    expect(isE164('+12345')).toBe(true);
    expect(isE164('+123456789012345')).toBe(true);
    for (const value of ['+1234', '+1234567890123456', MSISDN.slice(1), '+0346', `${MSISDN}\n`])
      expect([value, isE164(value)]).toEqual([value, false]);
  });

  it('hashes SHA-256 hex of the exact string', () => {
    expect(hashPhoneNumber('+34600000001')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashPhoneNumber('+34600000001')).not.toBe(hashPhoneNumber('34600000001'));
    expect(toE164('34600000001')).toBe('+34600000001');
    expect(toE164('+34600000001')).toBe('+34600000001');
  });

  it('matches plain and hashed numbers per version', () => {
    expect(matchesDevicePhoneNumber('v2', { phoneNumber: MSISDN }, MSISDN)).toBe(true);
    expect(matchesDevicePhoneNumber('v2', { phoneNumber: '+346001000006' }, MSISDN)).toBe(false);
    expect(matchesDevicePhoneNumber('v0', { phoneNumber: MSISDN.slice(1) }, MSISDN)).toBe(true);
    const hashed = hashPhoneNumber(MSISDN).toUpperCase();
    expect(matchesDevicePhoneNumber('v2', { hashedPhoneNumber: hashed }, MSISDN)).toBe(true);
    const withoutPlus = hashPhoneNumber(MSISDN.slice(1));
    expect(matchesDevicePhoneNumber('v2', { hashedPhoneNumber: withoutPlus }, MSISDN)).toBe(false);
    expect(matchesDevicePhoneNumber('v0', { hashedPhoneNumber: withoutPlus }, MSISDN)).toBe(true);
    expect(
      matchesDevicePhoneNumber('v0', { hashedPhoneNumber: hashPhoneNumber('+1') }, MSISDN),
    ).toBe(false);
  });
});
