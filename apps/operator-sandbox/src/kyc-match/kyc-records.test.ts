import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { configErrorOf, minimalInstance } from '../../test-support/index.js';
import { loadSandboxConfig, parseInstanceConfig } from '../config.js';

const REPO_CONFIG = fileURLToPath(new URL('../../../../config/sandbox.json', import.meta.url));

const instance = (kycMatch: unknown) => minimalInstance({ kycMatch });
const errorOf = (kycMatch: unknown) => configErrorOf(() => parseInstanceConfig(instance(kycMatch)));

describe('kycMatch config', () => {
  it('holds the documented demo records (docs/conformance/kyc-match.md)', () => {
    const [a, b] = loadSandboxConfig(REPO_CONFIG).instances;
    expect(a!.kycMatch?.idDocumentRequired).toBe(false);
    expect(a!.kycMatch?.records[0]).toMatchObject({
      phoneNumber: '+346001000005',
      givenName: 'Ana',
      familyName: 'García López',
      address: 'Calle Mayor 1, 3º B',
      postalCode: '28013',
      locality: 'Madrid',
      country: 'ES',
    });
    expect(b!.kycMatch?.idDocumentRequired).toBe(true);
    expect(b!.kycMatch?.records[0]).toMatchObject({ phoneNumber: '+491700000005' });
  });

  it('defaults to no records and no idDocument requirement', () => {
    expect(parseInstanceConfig(instance({})).kycMatch).toEqual({
      idDocumentRequired: false,
      records: [],
    });
    expect(parseInstanceConfig(instance(undefined)).kycMatch).toBeUndefined();
  });

  it.each([
    [{ records: [{ phoneNumber: '34600' }] }, 'kycMatch.records[0].phoneNumber'],
    [{ records: [{ phoneNumber: '+34600', nickname: 'x' }] }, 'kycMatch.records[0]'],
    [{ records: [{ phoneNumber: '+34600', givenName: ' ' }] }, 'kycMatch.records[0].givenName'],
    [{ records: [{ phoneNumber: '+34600', birthdate: '1985-02-30' }] }, 'records[0].birthdate'],
    [{ records: [{ phoneNumber: '+34600', email: 'x' }] }, 'kycMatch.records[0].email'],
    [{ records: [{ phoneNumber: '+34600', gender: 'F' }] }, 'kycMatch.records[0].gender'],
    [{ records: [{ phoneNumber: '+34600', country: 'es' }] }, 'kycMatch.records[0].country'],
    [
      { records: [{ phoneNumber: '+34600' }, { phoneNumber: '+34600' }] },
      'kycMatch.records[1].phoneNumber: duplicate record for +34600',
    ],
    [
      { idDocumentRequired: true, records: [{ phoneNumber: '+34600' }] },
      'kycMatch.records[0].idDocument: is required when idDocumentRequired is true',
    ],
  ])('refuses %j naming %s', (kycMatch, where) => {
    expect(errorOf(kycMatch)).toContain(where);
  });
});
