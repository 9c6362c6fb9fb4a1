import { describe, expect, it } from '@jest/globals';
import { createSubscriberDirectory } from './subscriber-directory.js';

describe('subscriber directory', () => {
  const directory = createSubscriberDirectory([
    { address: '127.0.0.1', msisdn: '+34600000001' },
    { address: '::1', msisdn: '+34600000001' },
    { cidr: '127.10.0.0/16', msisdnPrefix: '+346001' },
    { cidr: '127.20.0.0/16', msisdnPrefix: '+491700' },
    { cidr: '127.10.9.0/24', msisdn: '+34999999999' },
    { cidr: '2001:db8::/32', msisdn: '+4915100000000' },
  ]);

  it('maps exact addresses, including the IPv6 loopback', () => {
    expect(directory.msisdnAt('127.0.0.1')).toBe('+34600000001');
    expect(directory.msisdnAt('::1')).toBe('+34600000001');
  });

  it('derives numbers from the last two octets, zero-padded to three digits', () => {
    expect(directory.msisdnAt('127.10.0.5')).toBe('+346001000005');
    expect(directory.msisdnAt('127.20.1.2')).toBe('+491700001002');
    expect(directory.msisdnAt('127.20.255.255')).toBe('+491700255255');
  });

  it('treats IPv4-mapped IPv6 as IPv4 and prefers the most specific rule', () => {
    expect(directory.msisdnAt('::ffff:127.10.0.5')).toBe('+346001000005');
    expect(directory.msisdnAt('127.10.9.7')).toBe('+34999999999');
    expect(directory.msisdnAt('2001:db8::42')).toBe('+4915100000000');
  });

  it('identifies nobody outside the table or for garbage', () => {
    expect(directory.msisdnAt('127.30.0.1')).toBeUndefined();
    expect(directory.msisdnAt('10.0.0.1')).toBeUndefined();
    expect(directory.msisdnAt('not-an-ip')).toBeUndefined();
  });

  it('knows which numbers it serves (the tel: subject of a backend flow)', () => {
    expect(directory.serves('+34600000001')).toBe(true);
    expect(directory.serves('+346001000005')).toBe(true);
    expect(directory.serves('+491700255255')).toBe(true);
    expect(directory.serves('+4915100000000')).toBe(true);
    expect(directory.serves('+346001000256')).toBe(false);
    expect(directory.serves('+3460010005')).toBe(false);
    expect(directory.serves('+346001009007')).toBe(false); // 127.10.9.7 is +34999999999
    expect(directory.serves('+4917000000000')).toBe(false);
  });

  it('refuses a range whose numbers would exceed 15 digits', () => {
    expect(() =>
      createSubscriberDirectory([{ cidr: '10.0.0.0/8', msisdnPrefix: '+3460000' }]),
    ).toThrow(/exceeds 15/);
  });
});
