import { describe, expect, it } from '@jest/globals';
import { ALL_NV_SCOPES, operationForScope, requiredScope } from './scopes.js';

describe('NV scopes', () => {
  it('names the scope each version requires', () => {
    expect(requiredScope('v2', 'verify')).toBe('number-verification:verify');
    expect(requiredScope('v2', 'device-phone-number')).toBe(
      'number-verification:device-phone-number:read',
    );
    expect(requiredScope('v0', 'verify')).toBe('number-verification-verify-read');
    expect(requiredScope('v0', 'device-phone-number')).toBe('number-verification-share-read');
    expect(ALL_NV_SCOPES).toHaveLength(4);
  });

  it('maps a scope back to its version and operation', () => {
    expect(operationForScope('number-verification-share-read')).toEqual({
      version: 'v0',
      operation: 'device-phone-number',
    });
    expect(operationForScope('number-verification:verify')).toEqual({
      version: 'v2',
      operation: 'verify',
    });
    expect(operationForScope('openid')).toBeUndefined();
  });
});
