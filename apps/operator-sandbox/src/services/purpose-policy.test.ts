import { describe, expect, it } from '@jest/globals';
import { createPurposePolicy, purposeLabel } from './purpose-policy.js';

const purposes = {
  'dpv:FraudPreventionAndDetection': 'consent',
  'dpv:ServiceProvision': 'legitimate-interest',
} as const;

describe('purpose policy', () => {
  const camara = createPurposePolicy({ scopeStyle: 'camara', purposes });
  const hash = createPurposePolicy({ scopeStyle: 'dpv-hash', purposes });

  it('accepts exactly one configured purpose with its lawful basis', () => {
    expect(
      camara.check('openid dpv:FraudPreventionAndDetection number-verification:verify'),
    ).toEqual({
      ok: true,
      request: {
        purpose: 'dpv:FraudPreventionAndDetection',
        basis: 'consent',
        apiScopes: ['number-verification:verify'],
      },
    });
    expect(hash.check('openid dpv:ServiceProvision#number-verification-share-read')).toMatchObject({
      ok: true,
      request: { basis: 'legitimate-interest', apiScopes: ['number-verification-share-read'] },
    });
  });

  it.each([
    [undefined, /exactly one/],
    ['openid number-verification:verify', /exactly one/],
    [
      'dpv:FraudPreventionAndDetection dpv:ServiceProvision number-verification:verify',
      /exactly one/,
    ],
    ['dpv:Marketing number-verification:verify', /not offered/],
    ['openid dpv:ServiceProvision', /no Number Verification scope/],
    ['dpv:ServiceProvision#number-verification:verify', /unsupported scope/],
    ['dpv:ServiceProvision number-verification:verify offline_access', /unsupported scope/],
  ])('refuses %s', (scope, reason) => {
    const result = camara.check(scope);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('lists the resource server scopes in the instance style', () => {
    expect(camara.resourceScopes()).toEqual(
      expect.arrayContaining([
        'dpv:ServiceProvision',
        'number-verification:verify',
        'number-verification-share-read',
      ]),
    );
    expect(hash.resourceScopes()).toContain(
      'dpv:FraudPreventionAndDetection#number-verification:device-phone-number:read',
    );
    expect(hash.resourceScopes()).not.toContain('number-verification:verify');
  });

  it('labels purposes for people', () => {
    expect(purposeLabel('dpv:FraudPreventionAndDetection')).toBe('Fraud Prevention And Detection');
  });
});
