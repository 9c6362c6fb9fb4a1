import { describe, expect, it } from '@jest/globals';
import { API_SCOPES, CAMARA_APIS, camaraStyleScope, hashStyleScope } from './camara-apis.js';
import { ALL_NV_SCOPES } from './scopes.js';

describe('CAMARA APIs served', () => {
  it('declares NV 2.1 and 0.3.1 with the scopes each spec names', () => {
    expect(CAMARA_APIS.map((a) => `${a.name}/${a.version}`)).toEqual([
      'number-verification/v2',
      'number-verification/v0',
      'sim-swap/v2',
    ]);
    expect(API_SCOPES).toEqual([...ALL_NV_SCOPES, 'sim-swap:check', 'sim-swap:retrieve-date']);
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
