import { describe, expect, it } from '@jest/globals';
import { buildBackendScope, buildScope, normalisePurpose } from './scope.js';
import { hashPhoneNumber, isE164, normalisePhoneNumber } from './phone-number.js';

describe('buildScope', () => {
  it('builds the CAMARA scope with exactly one purpose', () => {
    expect(buildScope('dpv:FraudPreventionAndDetection')).toBe(
      'openid dpv:FraudPreventionAndDetection number-verification:verify',
    );
  });

  it('adds the device-phone-number read scope when asked, once', () => {
    expect(buildScope('IdentityVerification', ['verify', 'device-phone-number', 'verify'])).toBe(
      'openid dpv:IdentityVerification number-verification:verify ' +
        'number-verification:device-phone-number:read',
    );
  });

  it('refuses several purposes, junk and no operation', () => {
    expect(() => normalisePurpose('dpv:A dpv:B')).toThrow(TypeError);
    expect(() => normalisePurpose('dpv:')).toThrow(TypeError);
    expect(() => buildScope('dpv:A', [])).toThrow(TypeError);
  });
});

describe('phone numbers', () => {
  it('hashes the E.164 number with its + (CAMARA NV 2.1 hashedPhoneNumber)', () => {
    expect(hashPhoneNumber('+34600000001')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashPhoneNumber('+34600000001')).not.toBe(hashPhoneNumber('34600000001'));
  });

  it('accepts E.164 only, after removing what people type between digits', () => {
    expect(isE164(normalisePhoneNumber('+34 600-00 (00) 01'))).toBe(true);
    expect(isE164('34600000001')).toBe(false);
    expect(isE164('+0123456')).toBe(false);
  });
});

describe('buildBackendScope', () => {
  it('builds openid dpv:<Purpose> <scopes> for CIBA and drops openid for a JWT-bearer claim', () => {
    expect(buildBackendScope('FraudPreventionAndDetection', ['sim-swap:check'])).toBe(
      'openid dpv:FraudPreventionAndDetection sim-swap:check',
    );
    expect(
      buildBackendScope('dpv:X', ['sim-swap:check', 'kyc-match:match'], { openid: false }),
    ).toBe('dpv:X sim-swap:check kyc-match:match');
  });

  it('refuses no scopes, a second purpose and a purpose that is not one dpv: term', () => {
    expect(() => buildBackendScope('dpv:X', [])).toThrow('at least one CAMARA API scope');
    expect(() => buildBackendScope('dpv:X', ['dpv:Y', 'sim-swap:check'])).toThrow(
      'exactly one purpose',
    );
    expect(() => buildBackendScope('dpv:X dpv:Y', ['sim-swap:check'])).toThrow('one dpv: term');
  });
});
