import { describe, expect, it } from '@jest/globals';
import { parseSubscriberHint } from './login-hint.js';

describe('login_hint formats (CAMARA ICM "Format of login_hint")', () => {
  it.each([
    ['tel:+34666666666', { kind: 'tel', msisdn: '+34666666666' }],
    ['ipport:80.90.34.2:16790', { kind: 'ipport', address: '80.90.34.2', port: 16790 }],
    ['ipport:80.90.34.2', { kind: 'ipport', address: '80.90.34.2', port: undefined }],
    ['ipport:[2001:db8::1]:8080', { kind: 'ipport', address: '2001:db8::1', port: 8080 }],
    ['ipport:[2001:db8::1]', { kind: 'ipport', address: '2001:db8::1', port: undefined }],
    ['operatortoken:abc', { kind: 'operatortoken', token: 'abc' }],
  ])('reads %s', (value, hint) => {
    expect(parseSubscriberHint(value)).toEqual({ ok: true, hint });
  });

  it.each([
    '+34666666666',
    'tel:34666666666',
    'tel:+34 666 666 666',
    'ipport:1.2.3',
    'ipport:1.2.3.4:99999',
    'ipport:2001:db8::1',
    'ipport:[2001:db8::1',
    'ipport:[1.2.3.4]',
    'operatortoken:',
    'mailto:a@b',
    '',
  ])('refuses %j', (value) => {
    expect(parseSubscriberHint(value).ok).toBe(false);
  });
});
