import {
  KYC_MATCH_FIELDS,
  KYC_SCORED_FIELDS,
  type KycMatchField,
  type KycMatchRequest,
} from '@switchboard/camara';
import { matchScore } from './jaro-winkler.js';
import type { KycRecord } from './kyc-records.js';

export type MatchResult = 'true' | 'false' | 'not_available';

/** `KYC_MatchResponse`: `<field>Match` for every requested field, `<field>MatchScore` maybe. */
export type KycMatchResponse = Record<string, MatchResult | number>;

/**
 * Matches the requested fields against the record (docs/conformance/kyc-match.md "Matching
 * rules"): each value is normalised per field, then compared exactly; a field the record
 * lacks is `not_available`; a `false` on a field the response schema gives a score gets the
 * Jaro-Winkler score of the two normalised values.
 */
export function matchKyc(request: KycMatchRequest, record: KycRecord): KycMatchResponse {
  const response: KycMatchResponse = {};
  for (const field of KYC_MATCH_FIELDS) {
    const given = request[field];
    if (given === undefined) continue;
    const stored = storedValue(record, field);
    if (stored === undefined) {
      response[`${field}Match`] = 'not_available';
      continue;
    }
    const a = normalise(field, given);
    const b = normalise(field, stored);
    if (a === b) {
      response[`${field}Match`] = 'true';
      continue;
    }
    response[`${field}Match`] = 'false';
    if (KYC_SCORED_FIELDS.has(field)) response[`${field}MatchScore`] = matchScore(a, b);
  }
  return response;
}

/**
 * The record's value of a field. A record without a complete `name` is matched against
 * `givenName [middleNames] familyName`, one without `address` against
 * `streetName streetNumber [houseNumberExtension]` (the spec's ESP and NLD compositions).
 */
export function storedValue(record: KycRecord, field: KycMatchField): string | undefined {
  const { givenName, middleNames, familyName, streetName, streetNumber } = record;
  if (field === 'name' && record.name === undefined) {
    if (givenName === undefined || familyName === undefined) return undefined;
    return [givenName, middleNames, familyName].filter(Boolean).join(' ');
  }
  if (field === 'address' && record.address === undefined) {
    if (streetName === undefined || streetNumber === undefined) return undefined;
    return [streetName, streetNumber, record.houseNumberExtension].filter(Boolean).join(' ');
  }
  return record[field];
}

/**
 * Case, surrounding and repeated whitespace never decide a match; accents and other
 * characters do (a near miss is `false` with a high score). Identifiers also ignore the
 * separators people type in them; dates and genders are compared as given.
 */
export function normalise(field: KycMatchField, value: string): string {
  const text = value.normalize('NFC').trim().replace(/\s+/gu, ' ');
  switch (field) {
    case 'birthdate':
    case 'gender':
      return value;
    case 'idDocument':
    case 'postalCode':
      return text.replace(/[\s.-]/gu, '').toUpperCase();
    case 'country':
      return text.toUpperCase();
    default:
      return text.toLowerCase();
  }
}
