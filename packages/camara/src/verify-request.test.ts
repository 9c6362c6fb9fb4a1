import { describe, expect, it } from '@jest/globals';
import type { CamaraError } from './camara-error.js';
import { parseVerifyRequest } from './verify-request.js';

const HASH = 'a'.repeat(64);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return `${(err as CamaraError).status} ${(err as CamaraError).code}`;
  }
  return 'no error';
}

describe('parseVerifyRequest', () => {
  it('accepts exactly one property', () => {
    expect(parseVerifyRequest('v2', { phoneNumber: '+34600000001' })).toEqual({
      phoneNumber: '+34600000001',
    });
    expect(parseVerifyRequest('v2', { hashedPhoneNumber: HASH })).toEqual({
      hashedPhoneNumber: HASH,
    });
    expect(parseVerifyRequest('v0', { phoneNumber: '34600000001' })).toEqual({
      phoneNumber: '34600000001',
    });
  });

  it.each([
    ['no body', undefined],
    ['null', null],
    ['empty object', {}],
    ['array', [{ phoneNumber: '+34600000001' }]],
    ['string', '+34600000001'],
    ['both properties', { phoneNumber: '+34600000001', hashedPhoneNumber: HASH }],
    ['unknown property', { phoneNumber: '+34600000001', extra: 1 }],
    ['only an unknown property', { msisdn: '+34600000001' }],
    ['number value', { phoneNumber: 34600000001 }],
    ['bad phone number', { phoneNumber: '+00012230304913849' }],
    ['short hash', { hashedPhoneNumber: 'abc' }],
    ['non-hex hash', { hashedPhoneNumber: 'g'.repeat(64) }],
  ])('rejects %s with 400 INVALID_ARGUMENT', (_name, body) => {
    expect(codeOf(() => parseVerifyRequest('v2', body))).toBe('400 INVALID_ARGUMENT');
    expect(codeOf(() => parseVerifyRequest('v0', body))).toBe('400 INVALID_ARGUMENT');
  });

  it('requires the + only on NV 2.1', () => {
    expect(codeOf(() => parseVerifyRequest('v2', { phoneNumber: '34600000001' }))).toBe(
      '400 INVALID_ARGUMENT',
    );
    expect(codeOf(() => parseVerifyRequest('v0', { phoneNumber: '34600000001' }))).toBe('no error');
  });

  it('never echoes the submitted number', () => {
    try {
      parseVerifyRequest('v2', { phoneNumber: '+0034600000001' });
    } catch (err) {
      expect((err as Error).message).not.toContain('34600000001');
    }
    expect.assertions(1);
  });
});
