import { describe, expect, it } from '@jest/globals';
import { loginHint, parseDeviceAddress } from './login-hint.js';

describe('loginHint (ICM r4.2 "Format of login_hint")', () => {
  it.each([
    [{ phoneNumber: '+34600000001' }, 'tel:+34600000001'],
    [{ deviceAddress: '80.90.34.2' }, 'ipport:80.90.34.2'],
    [{ deviceAddress: '80.90.34.2:16790' }, 'ipport:80.90.34.2:16790'],
    [{ deviceAddress: { address: '80.90.34.2', port: 16790 } }, 'ipport:80.90.34.2:16790'],
    [{ deviceAddress: '2001:db8::1' }, 'ipport:[2001:db8::1]'],
    [{ deviceAddress: '[2001:DB8::1]' }, 'ipport:[2001:db8::1]'],
    [{ deviceAddress: '[2001:db8::1]:8080' }, 'ipport:[2001:db8::1]:8080'],
    [{ deviceAddress: { address: '2001:db8::1', port: 8080 } }, 'ipport:[2001:db8::1]:8080'],
    [{ deviceAddress: '::ffff:127.10.0.5' }, 'ipport:127.10.0.5'],
  ] as const)('%j → %s', (subject, hint) => {
    expect(loginHint(subject)).toBe(hint);
  });

  it('refuses none or both subjects, a non-E.164 number, and what is not an IP and port', () => {
    expect(() => loginHint({} as never)).toThrow('exactly one of phoneNumber or deviceAddress');
    expect(() =>
      loginHint({ phoneNumber: '+34600000001', deviceAddress: '1.2.3.4' } as never),
    ).toThrow('exactly one');
    expect(() => loginHint({ phoneNumber: '600 000 001' })).toThrow(
      expect.objectContaining({ code: 'INVALID_PHONE_NUMBER' }),
    );
    for (const bad of ['host.example', '1.2.3.4:99999', '2001:db8::1:8080:', '[1.2.3]', ''])
      expect(() => parseDeviceAddress(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    expect(() => parseDeviceAddress({ address: '1.2.3.4', port: 1.5 })).toThrow('deviceAddress');
  });
});
