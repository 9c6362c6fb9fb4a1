import { describe, expect, it } from '@jest/globals';
import { appTokenScope } from './scopes.js';

const FRAUD = 'dpv:FraudPreventionAndDetection';
const VERIFY = 'number-verification:verify';
const SHARE = 'number-verification:device-phone-number:read';

describe('no per-app scope allow-list: appTokenScope', () => {
  it('offers the purpose and the allowed API scopes only', () => {
    expect(appTokenScope(`openid ${FRAUD} ${VERIFY}`, [SHARE, VERIFY, 'openid'], true)).toEqual({
      scope: `${FRAUD} ${VERIFY} ${SHARE}`,
    });
  });

  it('refuses, while authorizing, an API scope the app is not allowed', () => {
    expect(appTokenScope(`openid ${FRAUD} ${VERIFY} ${SHARE}`, [VERIFY], true)).toEqual({
      refusal: `this app may not request ${SHARE}`,
    });
  });

  it('leaves a scope withdrawn after the authorization out at the token endpoint', () => {
    expect(appTokenScope(`openid ${FRAUD} ${VERIFY} ${SHARE}`, [VERIFY], false)).toEqual({
      scope: `${FRAUD} ${VERIFY}`,
    });
  });

  it('still refuses anything but exactly one dpv: purpose (ICM)', () => {
    expect(appTokenScope(`openid ${VERIFY}`, [VERIFY], true)).toHaveProperty('refusal');
    expect(appTokenScope(`openid ${FRAUD} dpv:Other ${VERIFY}`, [VERIFY], false)).toHaveProperty(
      'refusal',
    );
  });
});
