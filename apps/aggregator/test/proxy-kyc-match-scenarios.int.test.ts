import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KYC_MATCH_FIELDS, KYC_SCORED_FIELDS } from '@switchboard/camara';
import { aggregatorTokenAudience, readAggregatorAccessToken } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import { registerApp, type AppClient } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// Every scenario of the CAMARA KYC Match v0.3.0 test definitions (KnowYourCustomer r2.2,
// code/Test_definitions/kyc-match.feature) that applies to an app's three-legged
// AggregatorAccessToken, through the aggregator, against the demo records of config/sandbox.json
// (docs/conformance/kyc-match.md): sandbox-a (camara scope style, idDocument optional) and
// sandbox-b (dpv-hash, idDocument required). C02.02 and C02.04 need a token that identifies no
// line (client credentials), which the aggregator never issues: they run sandbox-direct only.
let s: CoreStack;
let app: AppClient;
beforeAll(async () => {
  s = await startCoreStack();
  app = await registerApp(s.agg, 'secret', ['kyc-match:match', 'number-verification:verify']);
}, 60_000);
afterAll(() => s.stop());

const FRAUD = 'dpv:FraudPreventionAndDetection';
const CORRELATOR = 'b4333c46-49c0-4f62-80d7-f0ef930f1c46';
type Body = Record<string, string>;

interface Profile {
  sandbox: string;
  /** What the app asks Switchboard for (camara spelling; Switchboard translates per operator). */
  purpose: string;
  /** A line with a rich record, and the request properties that match it. */
  subject: { address: string; msisdn: string; record: Body; lacks: Body };
  /** What every valid body of this operator carries (sandbox-b requires the idDocument). */
  base: Body;
  /** A line whose record has a value for each key of `mismatch`, each a near miss. */
  scored: { address: string; base: Body; mismatch: Body };
  otherNumber: string;
  noRecordAddress: string;
}

const SANDBOX_A: Profile = {
  sandbox: 'sandbox-a (camara style, idDocument optional)',
  purpose: FRAUD,
  subject: {
    address: '127.10.0.5', // Ana García
    msisdn: '+346001000005',
    record: {
      idDocument: '12345678Z',
      name: 'Ana García López',
      givenName: 'Ana',
      familyName: 'García López',
      familyNameAtBirth: 'García López',
      address: 'Calle Mayor 1, 3º B',
      streetName: 'Mayor',
      streetNumber: '1',
      houseNumberExtension: '3º B',
      postalCode: '28013',
      region: 'Comunidad de Madrid',
      locality: 'Madrid',
      country: 'ES',
      birthdate: '1985-04-12',
      email: 'ana.garcia@example.com',
      gender: 'FEMALE',
    },
    lacks: { nameKanaHankaku: 'ana', nameKanaZenkaku: 'アナ', middleNames: 'María' },
  },
  base: {},
  scored: {
    address: '127.10.0.9', // the spec's request example, every property
    base: { givenName: 'Federica' },
    mismatch: {
      idDocument: '77777777R',
      name: 'Federico Sanchez Arjona',
      givenName: 'Federico',
      familyName: 'Sanchez Arjonas',
      nameKanaHankaku: 'federico',
      nameKanaZenkaku: 'Ｆｅｄｅｒｉｃｏ',
      middleNames: 'Sancho',
      familyNameAtBirth: 'YYYZ',
      address: 'Tokyo-to Chiyoda-ku Iidabashi 3-10-11',
      streetName: 'Nicolas Salmeronn',
      streetNumber: '44',
      region: 'Kyoto',
      locality: 'ZZZY',
      birthdate: '1978-08-23',
      email: 'abd@example.com',
    },
  },
  otherNumber: '+346001000007', // Luis Pérez
  noRecordAddress: '127.10.0.6',
};

const JONAS_ID = 'L01X00T47';
const SANDBOX_B: Profile = {
  sandbox: 'sandbox-b (dpv-hash style, idDocument required)',
  purpose: 'dpv:RequestedServiceProvision',
  subject: {
    address: '127.20.0.5', // Jonas Müller; name and address are composed from their parts
    msisdn: '+491700000005',
    record: {
      idDocument: JONAS_ID,
      name: 'Jonas Maria Müller',
      givenName: 'Jonas',
      familyName: 'Müller',
      middleNames: 'Maria',
      familyNameAtBirth: 'Schmidt',
      address: 'Hauptstraße 12',
      streetName: 'Hauptstraße',
      streetNumber: '12',
      postalCode: '10115',
      region: 'Berlin',
      locality: 'Berlin',
      country: 'DE',
      birthdate: '1990-01-31',
      email: 'jonas.mueller@example.org',
      gender: 'MALE',
    },
    lacks: { nameKanaHankaku: 'yonasu', nameKanaZenkaku: 'ヨナス', houseNumberExtension: 'A' },
  },
  base: { idDocument: JONAS_ID },
  // Not idDocument (another one is @KYC_Match_13's 403) nor the kana names (Jonas has none).
  scored: {
    address: '127.20.0.5',
    base: { idDocument: JONAS_ID, givenName: 'Jonas' },
    mismatch: {
      name: 'Jonas Maria Mueller',
      givenName: 'Jonah',
      familyName: 'Mueller',
      middleNames: 'Marie',
      familyNameAtBirth: 'Schmitt',
      address: 'Hauptstrasse 12',
      streetName: 'Hauptstrasse',
      streetNumber: '13',
      region: 'Bayern',
      locality: 'Bernau',
      birthdate: '1990-01-30',
      email: 'jonas.muller@example.org',
    },
  },
  otherNumber: '+491700000006',
  noRecordAddress: '127.20.0.6',
};

const tokenFor = (address: string, scope: string) => s.accessToken(address, app, scope);

interface Answer {
  status: number;
  correlator: string | null;
  contentType: string | null;
  json: Record<string, unknown>;
}

async function match(token: string | undefined, body: unknown): Promise<Answer> {
  const res = await fetch(`${s.agg.publicUrl}/kyc-match/v0.3/match`, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'x-correlator': CORRELATOR,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    correlator: res.headers.get('x-correlator'),
    contentType: res.headers.get('content-type'),
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const RESULTS = ['true', 'false', 'not_available'];
const RESPONSE_PROPERTIES = new Set([
  ...KYC_MATCH_FIELDS.map((f) => `${f}Match`),
  ...[...KYC_SCORED_FIELDS].map((f) => `${f}MatchScore`),
]);

/** 200, x-correlator echoed, JSON complying with `KYC_MatchResponse` (a score only by a false). */
function expectMatchResponse(res: Answer): Record<string, unknown> {
  expect(res.status).toBe(200);
  expect(res.correlator).toBe(CORRELATOR);
  expect(res.contentType).toMatch(/^application\/json/);
  for (const [key, value] of Object.entries(res.json)) {
    expect(RESPONSE_PROPERTIES.has(key)).toBe(true);
    if (key.endsWith('MatchScore')) {
      expect(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100).toBe(
        true,
      );
      expect(res.json[key.slice(0, -'Score'.length)]).toBe('false');
    } else {
      expect(RESULTS).toContain(value);
    }
  }
  return res.json;
}

function expectError(res: Answer, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.json).toEqual({ status, code, message: expect.stringMatching(/\w/) });
  expect(res.correlator).toBe(CORRELATOR);
}

/** The response properties of `body`'s fields, in the schema's order. */
const matchKeys = (body: Body) => KYC_MATCH_FIELDS.filter((f) => f in body).map((f) => `${f}Match`);

describe.each([SANDBOX_A, SANDBOX_B])('KYC Match v0.3.0 through the aggregator, $sandbox', (p) => {
  const scope = `openid ${p.purpose} kyc-match:match`;
  let subject: string;
  let scored: string;
  beforeAll(async () => {
    subject = await tokenFor(p.subject.address, scope);
    scored = await tokenFor(p.scored.address, scope);
  });
  const all: Body = { ...p.subject.record, ...p.subject.lacks };

  it('@KYC_Match_1_success_request_response: the operator’s answer to the whole record', async () => {
    const json = expectMatchResponse(await match(subject, p.subject.record));
    expect(Object.keys(json)).toEqual(matchKeys(p.subject.record));
    expect(new Set(Object.values(json))).toEqual(new Set(['true']));
  });

  it.each(KYC_MATCH_FIELDS.map((f) => [`$.${f}`, `$.${f}Match`, f] as const))(
    '@KYC_Match_2_success_specific_property: %s → %s',
    async (_request, response, field) => {
      const json = expectMatchResponse(await match(subject, { ...p.base, [field]: all[field] }));
      expect(json).toHaveProperty(
        response.slice(2),
        field in p.subject.lacks ? 'not_available' : 'true',
      );
    },
  );

  // The feature lists idDocumentMatchScore and birthdateMatchScore, which KYC_MatchResponse
  // does not define, and spells middleNamesMatchScore `middleNamesScore`: the schema decides.
  it.each(Object.keys(p.scored.mismatch).map((f) => [`$.${f}`, `$.${f}Match`, f] as const))(
    '@KYC_Match_3_success_specific_property_score: %s → %s false with its score',
    async (_request, _response, field) => {
      const body = { ...p.scored.base, [field]: p.scored.mismatch[field]! };
      const json = expectMatchResponse(await match(scored, body));
      expect(json[`${field}Match`]).toBe('false');
      if (KYC_SCORED_FIELDS.has(field as never)) {
        expect(json[`${field}MatchScore`]).toEqual(expect.any(Number));
      } else {
        expect(json).not.toHaveProperty(`${field}MatchScore`);
      }
    },
  );

  it('@KYC_Match_4_success_multiple_optional_parameter_combinations: 12 seeded combinations', async () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 12; i += 1) {
      const picked = KYC_MATCH_FIELDS.filter(() => random() < 0.4);
      const fields = picked.length > 0 ? picked : [KYC_MATCH_FIELDS[i]!];
      const body: Body = { ...p.base, ...Object.fromEntries(fields.map((f) => [f, all[f]!])) };
      expect(Object.keys(expectMatchResponse(await match(subject, body)))).toEqual(matchKeys(body));
    }
  });

  it('@KYC_Match_401.1_expired_access_token: Switchboard refuses its own expired token, 401 UNAUTHENTICATED', async () => {
    const keyring = await s.agg.keys.tokenKeyring();
    const claims = await readAggregatorAccessToken(subject, {
      keyring,
      issuer: s.agg.issuer,
      audience: aggregatorTokenAudience(s.agg.issuer),
    });
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = await mintAggregatorAccessToken(
      { ...claims, iat: past - 60, exp: past },
      keyring,
    );
    expectError(await match(expired, p.subject.record), 401, 'UNAUTHENTICATED');
  });

  it.each([
    ['@KYC_Match_401.2_invalid_access_token', 'abc.def'],
    ['@KYC_Match_401.3_no_header_authorization', undefined],
  ])('%s: 401 UNAUTHENTICATED', async (_name, token) => {
    expectError(await match(token, p.subject.record), 401, 'UNAUTHENTICATED');
  });

  it('@KYC_Match_400.1_no_request_body: 400 INVALID_ARGUMENT', async () => {
    expectError(await match(subject, undefined), 400, 'INVALID_ARGUMENT');
  });

  it('@KYC_Match_400.2_empty_request_body: 400 INVALID_ARGUMENT', async () => {
    expectError(await match(subject, {}), 400, 'INVALID_ARGUMENT');
  });

  it.each([
    ['malformed JSON', '{"givenName":'],
    ['an array', '[]'],
    ['a number where a string is due', { givenName: 1 }],
    ['an impossible birthdate', { birthdate: '1985-02-30' }],
    ['an email without @', { email: 'ana.garcia' }],
    ['a gender outside the enum', { gender: 'female' }],
  ])('@KYC_Match_400.3_invalid_argument: %s → 400 INVALID_ARGUMENT', async (_name, body) => {
    expectError(await match(subject, body), 400, 'INVALID_ARGUMENT');
  });

  it('@KYC_Match_10_invalid_param_combination: only phoneNumber → 400', async () => {
    const res = await match(subject, { phoneNumber: p.subject.msisdn });
    expectError(res, 400, 'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION');
  });

  it('@KYC_Match_11_phone_number_provided_does_not_match_the_token: 403 INVALID_TOKEN_CONTEXT', async () => {
    const res = await match(subject, { ...p.base, phoneNumber: p.otherNumber, givenName: 'Luis' });
    expectError(res, 403, 'INVALID_TOKEN_CONTEXT');
  });

  // The feature's token identifies no line; the schema check does not depend on the token.
  it.each(['string_value', '34600100005', '+346001000005x', '+0346001000005', '+3460'])(
    '@KYC_Match_C02.01_phone_number_not_schema_compliant: %s → 400 INVALID_ARGUMENT (3-legged token)',
    async (phoneNumber) => {
      const res = await match(subject, { ...p.base, phoneNumber, givenName: 'Ana' });
      expectError(res, 400, 'INVALID_ARGUMENT');
    },
  );

  it('@KYC_Match_C02.05_phone_number_not_supported: 422 SERVICE_NOT_APPLICABLE for a line without a KYC record', async () => {
    const token = await tokenFor(p.noRecordAddress, scope);
    const res = await match(token, { ...p.base, givenName: 'Ana' });
    expectError(res, 422, 'SERVICE_NOT_APPLICABLE');
  });

  it('a phoneNumber in the body equal to the token’s is accepted', async () => {
    const body = {
      ...p.base,
      phoneNumber: p.subject.msisdn,
      givenName: p.subject.record.givenName!,
    };
    expect(expectMatchResponse(await match(subject, body))).toEqual({
      ...(p.base.idDocument ? { idDocumentMatch: 'true' } : {}),
      givenNameMatch: 'true',
    });
  });

  it('403 PERMISSION_DENIED for a token without kyc-match:match', async () => {
    const nv = await tokenFor(p.subject.address, `openid ${p.purpose} number-verification:verify`);
    expectError(await match(nv, p.subject.record), 403, 'PERMISSION_DENIED');
  });
});

describe('KYC Match v0.3.0 through the aggregator, idDocument required (sandbox-b only)', () => {
  let jonas: string;
  beforeAll(async () => {
    jonas = await tokenFor(
      SANDBOX_B.subject.address,
      `openid ${SANDBOX_B.purpose} kyc-match:match`,
    );
  });

  it('@KYC_Match_5_success_id_document_required: 200 with the line’s idDocument', async () => {
    const res = await match(jonas, { idDocument: JONAS_ID, givenName: 'Jonas', region: 'Bayern' });
    expect(expectMatchResponse(res)).toEqual({
      idDocumentMatch: 'true',
      givenNameMatch: 'true',
      regionMatch: 'false',
      regionMatchScore: expect.any(Number),
    });
  });

  it('@KYC_Match_12_idDocument_required: 403 KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED', async () => {
    const res = await match(jonas, { givenName: 'Jonas', familyName: 'Müller' });
    expectError(res, 403, 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED');
  });

  it('@KYC_Match_13_idDocument_mismatch_when_idDocument_is_required: 403 KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH', async () => {
    const res = await match(jonas, { idDocument: 'L01X00T48', givenName: 'Jonas' });
    expectError(res, 403, 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH');
  });
});
