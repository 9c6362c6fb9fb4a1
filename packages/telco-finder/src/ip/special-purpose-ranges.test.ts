import { describe, expect, it } from '@jest/globals';
import { isSpecialPurposeAddress, specialPurposeBlockOf } from './special-purpose-ranges.js';

describe('special-purpose ranges', () => {
  it.each([
    ['10.1.0.0/16', 'private-use (RFC 1918)'],
    ['192.168.1.0/24', 'private-use (RFC 1918)'],
    ['127.10.0.0/16', 'loopback (RFC 1122)'],
    ['169.254.3.0/24', 'link-local (RFC 3927)'],
    ['198.51.100.0/25', 'documentation TEST-NET-2 (RFC 5737)'],
    ['239.1.0.0/16', 'multicast (RFC 5771)'],
    ['2001:db8:1::/48', 'documentation (RFC 3849)'],
    ['fe80::/64', 'link-local (RFC 4291)'],
    ['ff02::/16', 'multicast (RFC 4291)'],
    ['::1/128', 'loopback (RFC 4291)'],
    ['fd00:1::/32', 'unique local (RFC 4193)'],
  ])('refuses %s as %s', (cidr, name) => {
    expect(specialPurposeBlockOf(cidr)?.name).toBe(name);
  });

  it('refuses a range that contains a special-purpose block', () => {
    expect(specialPurposeBlockOf('8.0.0.0/5')?.cidr).toBe('10.0.0.0/8');
    expect(specialPurposeBlockOf('0.0.0.0/0')).toBeDefined();
  });

  it.each(['88.0.0.0/11', '100.128.0.0/9', '2a02:9000::/23', '193.0.0.0/8', '11.0.0.0/8'])(
    'accepts the public range %s',
    (cidr) => {
      expect(specialPurposeBlockOf(cidr)).toBeUndefined();
    },
  );

  it('recognises literal addresses, bracketed IPv6 included', () => {
    expect(isSpecialPurposeAddress('127.0.0.1')).toBe(true);
    expect(isSpecialPurposeAddress('[::1]')).toBe(true);
    expect(isSpecialPurposeAddress('10.0.0.8')).toBe(true);
    expect(isSpecialPurposeAddress('88.1.2.3')).toBe(false);
    expect(isSpecialPurposeAddress('auth.example')).toBe(false);
  });
});
