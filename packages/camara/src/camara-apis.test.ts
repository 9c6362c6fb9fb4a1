import { describe, expect, it } from '@jest/globals';
import {
  API_SCOPES,
  CAMARA_APIS,
  camaraStyleScope,
  hashStyleScope,
  DEFAULT_OFFERED_APIS,
  offersApi,
  offersScope,
} from './camara-apis.js';
import { ALL_NV_SCOPES } from './scopes.js';

describe('CAMARA APIs served', () => {
  it('declares NV 2.1 and 0.3.1 with the scopes each spec names', () => {
    expect(CAMARA_APIS.map((a) => `${a.name}/${a.version}`)).toEqual([
      'number-verification/v2',
      'number-verification/v0',
      'sim-swap/v2',
      'kyc-match/v0.3',
      'location-verification/v3',
    ]);
    expect(API_SCOPES).toEqual([
      ...ALL_NV_SCOPES,
      'sim-swap:check',
      'sim-swap:retrieve-date',
      'kyc-match:match',
      'location-verification:verify',
    ]);
  });

  it('names each API scope in both operator styles, and back', () => {
    expect(hashStyleScope('number-verification:verify')).toBe('number-verification-verify-read');
    expect(hashStyleScope('number-verification:device-phone-number:read')).toBe(
      'number-verification-share-read',
    );
    expect(camaraStyleScope('number-verification-share-read')).toBe(
      'number-verification:device-phone-number:read',
    );
    expect(hashStyleScope('openid')).toBe('openid');
  });

  it('checks the verify body by the spec of its version', () => {
    const verify = (version: string) =>
      CAMARA_APIS.find((a) => a.version === version)!.operations.find(
        (o) => o.operation === 'verify',
      )!.checkBody!;
    expect(() => verify('v2')({ phoneNumber: '+34600000001' })).not.toThrow();
    expect(() => verify('v2')({ phoneNumber: '34600000001' })).toThrow();
    expect(() => verify('v0')({ phoneNumber: '34600000001' })).not.toThrow();
  });
});

describe("an operator's offered APIs", () => {
  const nvV2Only = [{ name: 'number-verification', versions: ['v2'] }];

  it('are the declared supportedApis, API and version', () => {
    expect(offersApi(nvV2Only, 'number-verification', 'v2')).toBe(true);
    expect(offersApi(nvV2Only, 'number-verification', 'v0')).toBe(false);
    expect(offersApi(nvV2Only, 'sim-swap', 'v2')).toBe(false);
  });

  it('are Number Verification, every version, when the operator declares none', () => {
    expect(DEFAULT_OFFERED_APIS).toEqual([{ name: 'number-verification', versions: ['v2', 'v0'] }]);
    expect(offersApi([], 'number-verification', 'v0')).toBe(true);
    expect(offersApi([], 'sim-swap', 'v2')).toBe(false);
  });

  it('decide which API scopes the operator can grant; other scopes are not theirs to refuse', () => {
    expect(offersScope(nvV2Only, 'number-verification:verify')).toBe(true);
    expect(offersScope(nvV2Only, 'number-verification-verify-read')).toBe(false);
    expect(offersScope(nvV2Only, 'openid')).toBe(true);
    expect(offersScope(nvV2Only, 'dpv:FraudPreventionAndDetection')).toBe(true);
  });
});
