import type { CamaraApi } from '../camara-apis.js';
import { CamaraError, camaraError } from '../camara-error.js';
import { PHONE_NUMBER_PATTERN } from '../phone-number.js';

/**
 * CAMARA Know Your Customer Match v0.3.0 (KnowYourCustomer release r2.2):
 * `POST /kyc-match/v0.3/match`, scope `kyc-match:match`.
 */
export const KYC_MATCH_BASE_PATH = '/kyc-match/v0.3';
export const KYC_MATCH_SCOPE = 'kyc-match:match';

/** The string properties of `KYC_MatchRequestBody` that are matched, in the spec's order. */
export const KYC_MATCH_FIELDS = [
  'idDocument',
  'name',
  'givenName',
  'familyName',
  'nameKanaHankaku',
  'nameKanaZenkaku',
  'middleNames',
  'familyNameAtBirth',
  'address',
  'streetName',
  'streetNumber',
  'postalCode',
  'region',
  'locality',
  'country',
  'houseNumberExtension',
  'birthdate',
  'email',
  'gender',
] as const;

export type KycMatchField = (typeof KYC_MATCH_FIELDS)[number];

/** `KYC_MatchResponse` has a `<field>MatchScore` only for these fields. */
export const KYC_SCORED_FIELDS: ReadonlySet<KycMatchField> = new Set([
  'name',
  'givenName',
  'familyName',
  'nameKanaHankaku',
  'nameKanaZenkaku',
  'middleNames',
  'familyNameAtBirth',
  'address',
  'streetName',
  'streetNumber',
  'region',
  'locality',
  'email',
]);

export const KYC_GENDERS = ['MALE', 'FEMALE', 'OTHER'] as const;

export type KycMatchRequest = {
  readonly phoneNumber?: string;
} & { readonly [F in KycMatchField]?: string };

const FIELDS: ReadonlySet<string> = new Set(KYC_MATCH_FIELDS);

/**
 * Validates a `POST /match` body against `KYC_MatchRequestBody` (`undefined`: no body).
 * 400 INVALID_ARGUMENT for a missing, empty or non-compliant body; 400
 * KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION when only `phoneNumber` is given. Properties
 * the schema does not name are ignored (it does not forbid them). Messages never echo values.
 */
export function parseKycMatchRequest(body: unknown): KycMatchRequest {
  if (body === undefined || body === null) throw invalid('A request body is required.');
  if (typeof body !== 'object' || Array.isArray(body))
    throw invalid('The request body must be a JSON object.');
  const source = body as Record<string, unknown>;
  const request: Record<string, string> = {};
  if (Object.hasOwn(source, 'phoneNumber')) {
    const value = source.phoneNumber;
    if (typeof value !== 'string' || !PHONE_NUMBER_PATTERN.test(value))
      throw invalid("phoneNumber must be E.164 prefixed with '+'.");
    request.phoneNumber = value;
  }
  for (const field of KYC_MATCH_FIELDS) {
    if (!Object.hasOwn(source, field)) continue;
    const value = source[field];
    if (typeof value !== 'string') throw invalid(`${field} must be a string.`);
    checkFormat(field, value);
    request[field] = value;
  }
  if (!Object.keys(request).some((key) => FIELDS.has(key))) {
    if (request.phoneNumber === undefined)
      throw invalid('At least one property to match must be provided.');
    throw kycError(
      400,
      'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
      'At least one property other than phoneNumber must be provided.',
    );
  }
  return request;
}

function checkFormat(field: KycMatchField, value: string): void {
  if (field === 'birthdate' && !isCalendarDate(value))
    throw invalid('birthdate must be a calendar date YYYY-MM-DD.');
  if (field === 'email' && !isEmail(value))
    throw invalid('email must be an address of the form local-part@domain.');
  if (field === 'gender' && !(KYC_GENDERS as readonly string[]).includes(value))
    throw invalid('gender must be one of MALE, FEMALE, OTHER.');
}

/** OpenAPI `format: date` (RFC 3339 full-date): a real day of the Gregorian calendar. */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** OpenAPI `format: email` (RFC 5322 addr-spec, dot-atom form): one `@`, no spaces. */
export function isEmail(value: string): boolean {
  return (
    /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(
      value,
    ) && !/^\.|\.\.|\.@/.test(value)
  );
}

/** An error code of the KYC Match spec that the common table does not hold. */
export function kycError(status: number, code: string, message: string): CamaraError {
  return new CamaraError(status, code, message);
}

function invalid(message: string): CamaraError {
  return camaraError('INVALID_ARGUMENT', message);
}

/** The CAMARA_APIS entry. Telefónica names the scope the same in the dpv-hash style. */
export const KYC_MATCH_API: CamaraApi = {
  name: 'kyc-match',
  version: 'v0.3',
  operations: [
    {
      operation: 'match',
      method: 'POST',
      path: '/match',
      scope: KYC_MATCH_SCOPE,
      checkBody: (body) => void parseKycMatchRequest(body),
    },
  ],
};
