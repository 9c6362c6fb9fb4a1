import { describe, expect, it } from '@jest/globals';
import { API_SCOPES, CAMARA_APIS, hashStyleScope } from '../camara-apis.js';
import { parsePurposeScope } from '../purpose-scope.js';
import { KYC_MATCH_SCOPE, isCalendarDate, isEmail, parseKycMatchRequest } from './kyc-match.js';

const FRAUD = 'dpv:FraudPreventionAndDetection';
const codeOf = (body: unknown): string | undefined => {
  try {
    parseKycMatchRequest(body);
    return undefined;
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('KYC Match v0.3.0 in CAMARA_APIS', () => {
  it('serves POST /kyc-match/v0.3/match with scope kyc-match:match, named alike in both styles', () => {
    const api = CAMARA_APIS.find((a) => a.name === 'kyc-match')!;
    expect(api.version).toBe('v0.3');
    expect(api.operations).toEqual([
      expect.objectContaining({ operation: 'match', method: 'POST', path: '/match' }),
    ]);
    expect(api.operations[0]!.scope).toBe(KYC_MATCH_SCOPE);
    expect(API_SCOPES).toContain('kyc-match:match');
    expect(hashStyleScope('kyc-match:match')).toBe('kyc-match:match');
  });

  it('is a known API scope in both operator styles', () => {
    expect(parsePurposeScope('camara', `openid ${FRAUD} kyc-match:match`)).toMatchObject({
      apiScopes: ['kyc-match:match'],
      unknown: [],
    });
    expect(parsePurposeScope('dpv-hash', `openid ${FRAUD}#kyc-match:match`)).toMatchObject({
      purposes: [FRAUD],
      apiScopes: ['kyc-match:match'],
      unknown: [],
    });
  });

  it('checks bodies in the proxy by the same rules', () => {
    const check = CAMARA_APIS.find((a) => a.name === 'kyc-match')!.operations[0]!.checkBody!;
    expect(() => check({ givenName: 'Ana' })).not.toThrow();
    expect(() => check({})).toThrow();
  });
});

describe('KYC_MatchRequestBody', () => {
  it('accepts any combination of properties, with or without phoneNumber', () => {
    const body = { phoneNumber: '+346001000005', givenName: 'Ana', gender: 'FEMALE' };
    expect(parseKycMatchRequest(body)).toEqual(body);
    expect(parseKycMatchRequest({ birthdate: '2000-02-29', unknown: 1 })).toEqual({
      birthdate: '2000-02-29',
    });
  });

  it.each([
    ['no body', undefined],
    ['null', null],
    ['an array', []],
    ['a string', 'x'],
    ['an empty object', {}],
    ['only properties the schema does not name', { foo: 'bar' }],
    ['a phone number without +', { phoneNumber: '346001000005', name: 'Ana' }],
    ['a phone number too short', { phoneNumber: '+3460', name: 'Ana' }],
    ['a number where a string is due', { name: 5 }],
    ['a null property', { givenName: null }],
    ['an impossible date', { birthdate: '2001-02-29' }],
    ['a date-time', { birthdate: '2001-02-28T00:00:00Z' }],
    ['an email without @', { email: 'ana.example.com' }],
    ['an email with spaces', { email: 'ana garcia@example.com' }],
    ['a gender outside the enum', { gender: 'female' }],
  ])('refuses %s with 400 INVALID_ARGUMENT', (_label, body) => {
    expect(codeOf(body)).toBe('INVALID_ARGUMENT');
  });

  it('refuses phoneNumber alone with 400 KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION', () => {
    expect(codeOf({ phoneNumber: '+346001000005' })).toBe(
      'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
    );
  });

  it('knows calendar dates and email addresses', () => {
    expect(isCalendarDate('1978-08-22')).toBe(true);
    expect(isCalendarDate('1978-13-01')).toBe(false);
    expect(isEmail('abc@example.com')).toBe(true);
    expect(isEmail('a..b@example.com')).toBe(false);
    expect(isEmail('a@b')).toBe(true);
  });
});
