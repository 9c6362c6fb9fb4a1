import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aggregatorTokenAudience, readAggregatorAccessToken } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import { registerApp, type AppClient } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// The CAMARA KYC Match v0.3.0 test definitions (KnowYourCustomer r2.2) through the aggregator,
// against the demo records of config/sandbox.json (docs/conformance/kyc-match.md): sandbox-a
// (camara scope style, idDocument optional) and sandbox-b (dpv-hash, idDocument required).
let s: CoreStack;
let app: AppClient;
beforeAll(async () => {
  s = await startCoreStack();
  app = await registerApp(s.agg, 'secret', ['kyc-match:match', 'number-verification:verify']);
}, 60_000);
afterAll(() => s.stop());

const FRAUD = 'dpv:FraudPreventionAndDetection';
const KYC = `openid ${FRAUD} kyc-match:match`;
const CORRELATOR = 'b4333c46-49c0-4f62-80d7-f0ef930f1c46';
/** Ana García (sandbox-a, 127.10.0.5) and Jonas Müller (sandbox-b, 127.20.0.5). */
const ANA = { address: '127.10.0.5', msisdn: '+346001000005' };
const JONAS = { address: '127.20.0.5', msisdn: '+491700000005' };

async function tokenFor(address: string, scope = KYC): Promise<string> {
  const { req, params } = await s.authorize(address, app, { prompt: 'none', scope });
  const code = params?.get('code');
  if (!code) throw new Error(`no code: ${params?.toString()}`);
  return String((await s.tokenFor(app, code, req.verifier)).body.access_token);
}

async function match(token: string | undefined, body: unknown) {
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
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

describe('KYC Match v0.3.0 through the aggregator, sandbox-a (camara style)', () => {
  let ana: string;
  beforeAll(async () => {
    ana = await tokenFor(ANA.address);
  });

  it('@KYC_Match_1_success_request_response: the operator’s answer, x-correlator echoed', async () => {
    const res = await match(ana, {
      givenName: 'Ana',
      familyName: 'Garcia Lopez',
      postalCode: '28013',
      locality: 'Madrid',
      country: 'ES',
      middleNames: 'María',
    });
    expect(res).toEqual({
      status: 200,
      correlator: CORRELATOR,
      json: {
        givenNameMatch: 'true',
        familyNameMatch: 'false',
        familyNameMatchScore: expect.any(Number),
        middleNamesMatch: 'not_available',
        postalCodeMatch: 'true',
        localityMatch: 'true',
        countryMatch: 'true',
      },
    });
  });

  it('a phoneNumber in the body equal to the token’s is accepted', async () => {
    const res = await match(ana, { phoneNumber: ANA.msisdn, givenName: 'Ana' });
    expect(res.json).toEqual({ givenNameMatch: 'true' });
  });

  it.each([
    ['@KYC_Match_400.1_no_request_body', undefined, 'INVALID_ARGUMENT'],
    ['@KYC_Match_400.2_empty_request_body', {}, 'INVALID_ARGUMENT'],
    ['@KYC_Match_400.3_invalid_argument', { gender: 'female' }, 'INVALID_ARGUMENT'],
    [
      '@KYC_Match_10_invalid_param_combination',
      { phoneNumber: ANA.msisdn },
      'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
    ],
    [
      '@KYC_Match_C02.01_phone_number_not_schema_compliant',
      { phoneNumber: '346001', name: 'A' },
      'INVALID_ARGUMENT',
    ],
  ])('%s: 400', async (_name, body, code) => {
    const res = await match(ana, body);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ status: 400, code, message: expect.any(String) });
  });

  it('@KYC_Match_11_phone_number_provided_does_not_match_the_token: 403 INVALID_TOKEN_CONTEXT', async () => {
    const res = await match(ana, { phoneNumber: '+346001000007', givenName: 'Luis' });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ status: 403, code: 'INVALID_TOKEN_CONTEXT' });
  });

  it('@KYC_Match_C02.05_phone_number_not_supported: 422 SERVICE_NOT_APPLICABLE', async () => {
    const res = await match(await tokenFor('127.10.0.6'), { givenName: 'Ana' });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ status: 422, code: 'SERVICE_NOT_APPLICABLE' });
  });

  it('403 PERMISSION_DENIED for a token without kyc-match:match', async () => {
    const nv = await tokenFor(ANA.address, `openid ${FRAUD} number-verification:verify`);
    const res = await match(nv, { givenName: 'Ana' });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
  });

  it('@KYC_Match_401.1/401.2/401.3: 401 UNAUTHENTICATED expired, invalid, absent', async () => {
    const keyring = await s.agg.keys.tokenKeyring();
    const claims = await readAggregatorAccessToken(ana, {
      keyring,
      issuer: s.agg.issuer,
      audience: aggregatorTokenAudience(s.agg.issuer),
    });
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = await mintAggregatorAccessToken(
      { ...claims, iat: past - 60, exp: past },
      keyring,
    );
    for (const bearer of [expired, 'abc.def', undefined]) {
      const res = await match(bearer, { givenName: 'Ana' });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });
});

describe('KYC Match v0.3.0 through the aggregator, sandbox-b (dpv-hash style)', () => {
  let jonas: string;
  beforeAll(async () => {
    jonas = await tokenFor(JONAS.address, 'openid dpv:RequestedServiceProvision kyc-match:match');
  });

  it('@KYC_Match_5_success_id_document_required: 200 with the line’s idDocument', async () => {
    const res = await match(jonas, {
      idDocument: 'L01X00T47',
      givenName: 'Jonas',
      region: 'Bayern',
    });
    expect(res).toEqual({
      status: 200,
      correlator: CORRELATOR,
      json: {
        idDocumentMatch: 'true',
        givenNameMatch: 'true',
        regionMatch: 'false',
        regionMatchScore: expect.any(Number),
      },
    });
  });

  it('@KYC_Match_12_idDocument_required: 403 KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED', async () => {
    const res = await match(jonas, { givenName: 'Jonas' });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED' });
  });

  it('@KYC_Match_13_idDocument_mismatch_when_idDocument_is_required: 403 KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH', async () => {
    const res = await match(jonas, { idDocument: 'X', givenName: 'Jonas' });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH' });
  });
});
