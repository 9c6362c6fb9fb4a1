import { describe, expect, it } from '@jest/globals';
import { ipportAddress } from './login-hint.js';

describe('ipport login_hint (ICM)', () => {
  it('reads IPv4 and bracketed IPv6 addresses, with or without a port', () => {
    expect(ipportAddress('ipport:127.20.0.9:5678')).toBe('127.20.0.9');
    expect(ipportAddress('ipport:[2001:db8::1]:8080')).toBe('2001:db8::1');
    expect(ipportAddress('ipport:198.51.100.4')).toBe('198.51.100.4');
  });

  it('ignores other hints and malformed ones', () => {
    for (const hint of [
      'tel:+34600000001',
      'ipport:999.1.1.1:80',
      'ipport:1.2.3.4:70000',
      undefined,
    ])
      expect(ipportAddress(hint)).toBeUndefined();
  });
});
