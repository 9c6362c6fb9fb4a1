import { describe, expect, it } from '@jest/globals';
import { healthQuerySchema, testSubscriberSchema, windowMs } from './conformance-contracts.js';

describe('operator health window', () => {
  it.each([
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['31d', 31 * 86_400_000],
  ])('%s is %d ms', (value, ms) => expect(windowMs(value)).toBe(ms));

  it.each(['', '0h', '24', '2 days', '32d', '-1h', '1.5h'])('%j is refused', (value) => {
    expect(windowMs(value)).toBeUndefined();
    expect(healthQuerySchema.safeParse({ window: value }).success).toBe(false);
  });
});

describe('operator test subscriber', () => {
  it('takes an IP address and an E.164 number; null clears one', () => {
    expect(testSubscriberSchema.parse({ deviceIp: '127.10.0.5', phoneNumber: null })).toEqual({
      deviceIp: '127.10.0.5',
      phoneNumber: null,
    });
    expect(testSubscriberSchema.parse({ deviceIp: '::1' })).toEqual({ deviceIp: '::1' });
  });

  it.each([
    [{ deviceIp: '127.10.0' }, /deviceIp must be an IP address/],
    [{ phoneNumber: '34600000001' }, /phoneNumber must be E\.164/],
    [{ msisdn: '+34600000001' }, /unrecognized/i],
  ])('refuses %j', (body, message) => {
    const parsed = testSubscriberSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(message);
  });
});
