import { describe, expect, it } from '@jest/globals';
import { translateScope } from './scope-translation.js';

describe('translateScope', () => {
  const scope = 'openid dpv:FraudPreventionAndDetection number-verification:verify';

  it('keeps the CAMARA style and maps NV 0.3.1 names to it', () => {
    expect(translateScope(scope, 'camara')).toBe(scope);
    expect(
      translateScope('dpv:FraudPreventionAndDetection number-verification-verify-read', 'camara'),
    ).toBe(scope);
  });

  it('writes the dpv-hash style with the purpose on every API scope', () => {
    expect(translateScope(scope, 'dpv-hash')).toBe(
      'openid dpv:FraudPreventionAndDetection#number-verification-verify-read',
    );
  });

  it('refuses a scope without exactly one purpose', () => {
    expect(() => translateScope('openid number-verification:verify', 'camara')).toThrow();
  });
});
