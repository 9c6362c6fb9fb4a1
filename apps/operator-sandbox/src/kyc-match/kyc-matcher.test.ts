import { describe, expect, it } from '@jest/globals';
import { matchScore } from './jaro-winkler.js';
import { matchKyc, normalise, storedValue } from './kyc-matcher.js';
import type { KycRecord } from './kyc-records.js';

const ANA: KycRecord = {
  phoneNumber: '+346001000005',
  idDocument: '12345678Z',
  givenName: 'Ana',
  familyName: 'García López',
  streetName: 'Mayor',
  streetNumber: '1',
  postalCode: '28013',
  country: 'ES',
  birthdate: '1985-04-12',
  email: 'ana.garcia@example.com',
  gender: 'FEMALE',
};

describe('KYC matching', () => {
  it('answers only the requested fields, true regardless of case and whitespace', () => {
    expect(
      matchKyc(
        { givenName: ' ANA ', familyName: 'garcía  lópez', email: 'Ana.Garcia@Example.com' },
        ANA,
      ),
    ).toEqual({ givenNameMatch: 'true', familyNameMatch: 'true', emailMatch: 'true' });
  });

  it('is not_available for a field the record lacks, without a score', () => {
    expect(matchKyc({ region: 'Madrid', nameKanaHankaku: 'ana' }, ANA)).toEqual({
      regionMatch: 'not_available',
      nameKanaHankakuMatch: 'not_available',
    });
  });

  it('scores a false string field by Jaro-Winkler of the normalised values', () => {
    expect(matchKyc({ familyName: 'Garcia Lopez' }, ANA)).toEqual({
      familyNameMatch: 'false',
      familyNameMatchScore: matchScore('garcia lopez', 'garcía lópez'),
    });
  });

  it('gives no score where the response schema has none', () => {
    expect(
      matchKyc(
        {
          idDocument: '87654321X',
          postalCode: '28014',
          country: 'PT',
          birthdate: '1985-04-13',
          gender: 'MALE',
        },
        ANA,
      ),
    ).toEqual({
      idDocumentMatch: 'false',
      postalCodeMatch: 'false',
      countryMatch: 'false',
      birthdateMatch: 'false',
      genderMatch: 'false',
    });
  });

  it('composes name and address when the record has only their parts', () => {
    expect(storedValue(ANA, 'name')).toBe('Ana García López');
    expect(storedValue(ANA, 'address')).toBe('Mayor 1');
    expect(storedValue({ phoneNumber: '+34600', givenName: 'Ana' }, 'name')).toBeUndefined();
    expect(matchKyc({ name: 'ana garcía lópez' }, ANA)).toEqual({ nameMatch: 'true' });
  });

  it('ignores separators in identifiers and postal codes', () => {
    expect(normalise('idDocument', ' 12.345.678-z ')).toBe('12345678Z');
    expect(normalise('postalCode', '28 013')).toBe('28013');
    expect(matchKyc({ idDocument: '12345678-z' }, ANA)).toEqual({ idDocumentMatch: 'true' });
  });
});
