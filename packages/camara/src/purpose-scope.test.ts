import { describe, expect, it } from '@jest/globals';
import {
  formatPurposeScope,
  grantedOperations,
  parsePurposeScope,
  scopeValuesFor,
} from './purpose-scope.js';

const FRAUD = 'dpv:FraudPreventionAndDetection';

describe('purpose scopes', () => {
  it('parses the CAMARA style', () => {
    expect(parsePurposeScope('camara', `openid ${FRAUD} number-verification:verify`)).toEqual({
      purposes: [FRAUD],
      apiScopes: ['number-verification:verify'],
      oidcScopes: ['openid'],
      unknown: [],
    });
  });

  it('parses the dpv-hash style and collapses the repeated purpose', () => {
    const parsed = parsePurposeScope(
      'dpv-hash',
      `openid ${FRAUD}#number-verification-verify-read ${FRAUD}#number-verification-share-read`,
    );
    expect(parsed.purposes).toEqual([FRAUD]);
    expect(parsed.apiScopes).toEqual([
      'number-verification-verify-read',
      'number-verification-share-read',
    ]);
  });

  it('treats the other style as unknown and counts every purpose', () => {
    expect(
      parsePurposeScope('dpv-hash', `openid ${FRAUD} number-verification:verify`).unknown,
    ).toEqual([FRAUD, 'number-verification:verify']);
    expect(parsePurposeScope('camara', `${FRAUD}#number-verification:verify`).unknown).toHaveLength(
      1,
    );
    expect(
      parsePurposeScope('camara', `${FRAUD} dpv:IdentityVerification number-verification:verify`)
        .purposes,
    ).toHaveLength(2);
    expect(parsePurposeScope('camara', 'dpv:bad-purpose').unknown).toEqual(['dpv:bad-purpose']);
    expect(parsePurposeScope('camara', undefined).purposes).toEqual([]);
  });

  it('formats both styles and round-trips', () => {
    const camara = formatPurposeScope('camara', FRAUD, ['number-verification:verify']);
    expect(camara).toBe(`openid ${FRAUD} number-verification:verify`);
    const hash = formatPurposeScope('dpv-hash', FRAUD, ['number-verification-verify-read']);
    expect(hash).toBe(`openid ${FRAUD}#number-verification-verify-read`);
    expect(parsePurposeScope('dpv-hash', hash).apiScopes).toEqual([
      'number-verification-verify-read',
    ]);
  });

  it('lists the values a resource server accepts', () => {
    expect(scopeValuesFor('camara', [FRAUD], ['number-verification:verify'])).toEqual([
      FRAUD,
      'number-verification:verify',
    ]);
    expect(scopeValuesFor('dpv-hash', [FRAUD], ['a', 'b'])).toEqual([`${FRAUD}#a`, `${FRAUD}#b`]);
  });

  it('derives granted operations from either style and version', () => {
    expect([...grantedOperations(`openid ${FRAUD} number-verification:verify`)]).toEqual([
      'verify',
    ]);
    expect([...grantedOperations(`${FRAUD}#number-verification-share-read`)]).toEqual([
      'device-phone-number',
    ]);
    expect(grantedOperations(`openid ${FRAUD}`).size).toBe(0);
    expect(grantedOperations(undefined).size).toBe(0);
  });
});
