import { describe, expect, it } from '@jest/globals';
import { parseSubject } from './login-hint.js';

describe('parseSubject (ICM r4.2 "Format of login_hint")', () => {
  it.each([
    ['tel:+346001000007', { kind: 'tel', phoneNumber: '+346001000007' }],
    ['ipport:127.10.0.7', { kind: 'ipport', address: '127.10.0.7' }],
    ['ipport:80.90.34.2:16790', { kind: 'ipport', address: '80.90.34.2' }],
    ['ipport:[2001:db8::1]', { kind: 'ipport', address: '2001:db8::1' }],
    ['ipport:[2001:DB8::1]:8080', { kind: 'ipport', address: '2001:db8::1' }],
  ])('reads %s', (hint, expected) => {
    expect(parseSubject(hint)).toMatchObject({ ...expected, hint });
  });

  it.each([
    'tel:346001000007',
    'tel:+34 600 100 007',
    'tel:+0123456',
    'ipport:1.2.3',
    'ipport:1.2.3.4:70000',
    'ipport:2001:db8::1',
    'ipport:[2001:db8::1]:',
    'mailto:someone@example.com',
    '+346001000007',
    '',
  ])('refuses %j with a reason', (hint) => {
    expect(parseSubject(hint)).toHaveProperty(
      'refusal',
      expect.stringMatching(/must|not supported/),
    );
  });

  it('refuses operatortoken: from apps, pointing to vp_token:', () => {
    expect(parseSubject('operatortoken:abc')).toEqual({
      refusal: expect.stringContaining('sub=vp_token:<SD-JWT> with the JWT-bearer grant'),
    });
  });
});
