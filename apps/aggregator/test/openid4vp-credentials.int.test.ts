import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose';
import {
  startCoreStack,
  type CoreStack,
  type OperatorTokenStack,
} from '../test-support/core-stack.js';
import {
  newNonce,
  openId4VpAppToken,
  postCredentialRequest,
  UNKNOWN_CARRIER_ID,
} from '../test-support/operator-token.js';
import { finderToken, registerFinderClient } from '../test-support/core-fixture.js';

// CAMARA NV "Operator Token Acquisition" guide, Step 1 (contract §3.1, §3.2):
// POST /openid4vp/credentials with the app's client_credentials token.
let stack: CoreStack;
let ot: OperatorTokenStack;
let token: string;
const SCOPE = 'dpv:ServiceProvision number-verification:device-phone-number:read';

beforeAll(async () => {
  stack = await startCoreStack({}, { operatorToken: true });
  ot = stack.operatorToken!;
  const res = await openId4VpAppToken(ot.at, ot.app);
  expect(res.status).toBe(200);
  token = String(res.body.access_token);
});
afterAll(() => stack?.stop());

const body = (extra: Record<string, unknown> = {}) => ({
  scope: SCOPE,
  nonce: newNonce(),
  carrier_ids: [90001],
  ...extra,
});
/** `null`: no Authorization header. */
const post = (b: unknown, bearer: string | null = token) =>
  postCredentialRequest(ot.at, bearer ?? undefined, b);

describe('the app token (client_credentials, scope openid4vp)', () => {
  it('is issued to a backend client for 300 s with scope openid4vp', async () => {
    const res = await openId4VpAppToken(ot.at, ot.app);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'openid4vp' });
  });

  it('another API’s token is refused (invalid_token, WWW-Authenticate)', async () => {
    const finder = await registerFinderClient(stack.agg);
    const other = await finderToken(stack.agg.publicUrl, finder);
    const res = await post(body(), other);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('no token: 401 invalid_token', async () => {
    const res = await post(body(), null);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });
});

describe('POST /openid4vp/credentials', () => {
  it('answers the DCQL credential with a credential_authorization_jwt signed by the aggregator’s leaf', async () => {
    const nonce = newNonce();
    const res = await post(body({ nonce, lang: 'es-ES' }));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const credential = res.body as {
      id: string;
      format: string;
      meta: { vct_values: string[]; credential_authorization_jwt: string };
    };
    expect(credential.id).toMatch(/^sb-ot-[A-Za-z0-9_-]{22}$/);
    expect(credential.format).toBe('dc-authorization+sd-jwt');
    expect(credential.meta.vct_values).toEqual(['number-verification/device-phone-number/ts43']);
    const jwt = credential.meta.credential_authorization_jwt;
    const header = decodeProtectedHeader(jwt);
    const view = await stack.agg.openId4VpKeys.view();
    expect(header).toMatchObject({ alg: 'ES256', typ: 'oauth-authz-req+jwt', x5c: view.x5c });
    const leaf = `-----BEGIN CERTIFICATE-----\n${view.x5c[0]}\n-----END CERTIFICATE-----`;
    const { payload } = await jwtVerify(jwt, await importX509(leaf, 'ES256'));
    expect(payload).toMatchObject({
      iss: stack.agg.issuer,
      nonce,
      client_id: ot.app.id,
      encrypted_response_enc_values_supported: ['A128GCM'],
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', kid: credential.id, use: 'enc', alg: 'ECDH-ES' }] },
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(JSON.stringify(payload.jwks)).not.toMatch(/"d"/);
    const consent = JSON.parse(
      Buffer.from(String(payload.consent_data), 'base64url').toString(),
    ) as {
      consent_text: string;
    };
    expect(consent.consent_text).toMatch(/^Shop quiere conocer el número de teléfono/);
    // Stored: the request, its consent hash, and the ephemeral key sealed (not the JWK).
    const row = (await stack.t.db
      .knex('openid4vp_requests')
      .where({ id: credential.id })
      .first()) as Record<string, unknown>;
    expect(row).toMatchObject({
      client_id: ot.app.id,
      nonce,
      vct: 'number-verification/device-phone-number/ts43',
      consent_data_hash: createHash('sha256')
        .update(String(payload.consent_data))
        .digest('base64url'),
    });
    expect(String(row.ephemeral_key_enc)).not.toMatch(/"d"|kty/);
  });

  it('verify maps to its vct; an unknown language falls back to English', async () => {
    const res = await post(
      body({ scope: 'dpv:ServiceProvision number-verification:verify', lang: 'fr' }),
    );
    expect(res.status).toBe(200);
    const meta = res.body.meta as { vct_values: string[]; credential_authorization_jwt: string };
    expect(meta.vct_values).toEqual(['number-verification/verify/ts43']);
    const payload = JSON.parse(
      Buffer.from(meta.credential_authorization_jwt.split('.')[1]!, 'base64url').toString(),
    ) as { consent_data: string };
    expect(Buffer.from(payload.consent_data, 'base64url').toString()).toMatch(
      /Shop wants to check/,
    );
  });

  it('a nonce this client used already: invalid_request', async () => {
    const nonce = newNonce();
    expect((await post(body({ nonce }))).status).toBe(200);
    const again = await post(body({ nonce }));
    expect(again).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'nonce was used already' },
    });
  });

  it('no eligible carrier id: carrier_not_supported with the fallback', async () => {
    const res = await post(body({ carrier_ids: [UNKNOWN_CARRIER_ID, 42] }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'carrier_not_supported',
      error_description: 'None of the provided carrier IDs are eligible for Operator Token.',
      fallback_options: ['network_authentication'],
    });
  });

  it('an operator with operator tokens off is not eligible', async () => {
    await stack.agg.operators.update(
      'sandbox-b',
      { operatorToken: false },
      { kind: 'admin', id: 'test' },
    );
    try {
      await stack.agg.index.refresh();
      const res = await post(body({ carrier_ids: [90002] }));
      expect(res.body.error).toBe('carrier_not_supported');
    } finally {
      await stack.agg.operators.update(
        'sandbox-b',
        { operatorToken: true },
        { kind: 'admin', id: 'test' },
      );
    }
  });

  it.each([
    [{ nonce: 'short' }, 'nonce: must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -'],
    [{ nonce: undefined }, 'nonce: must be a string'],
    [{ carrier_ids: [] }, 'carrier_ids: give 1 to 8 carrier ids'],
    [{ carrier_ids: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 'carrier_ids: give 1 to 8 carrier ids'],
    [{ carrier_ids: [0] }, 'carrier_ids: each must be an integer from 1 to 2147483647'],
    [{ carrier_ids: [2 ** 31] }, 'carrier_ids: each must be an integer from 1 to 2147483647'],
    [{ carrier_ids: ['90001'] }, 'carrier_ids: each must be an integer from 1 to 2147483647'],
    [{ lang: 'not a tag' }, 'lang: must be a BCP 47 language tag, e.g. en or es-ES'],
    [{ extra: 1 }, 'unknown member(s) extra'],
    [{ scope: 7 }, 'scope: must be a string'],
  ])('refuses %j: invalid_request naming the field', async (change, description) => {
    const res = await post(body(change));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
  });

  it('refuses a body that is not JSON, and one over 4 kB', async () => {
    expect((await post('{nope')).body).toEqual({
      error: 'invalid_request',
      error_description: 'the body must be a JSON object',
    });
    const big = await post(body({ scope: `${SCOPE} ${'x'.repeat(5000)}` }));
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('invalid_request');
  });

  it.each([
    ['number-verification:device-phone-number:read', /exactly one dpv: purpose/],
    ['dpv:A dpv:B number-verification:verify', /exactly one dpv: purpose/],
    [
      'dpv:ServiceProvision',
      /exactly one of number-verification:device-phone-number:read, number-verification:verify/,
    ],
    [
      'dpv:ServiceProvision number-verification:verify number-verification:device-phone-number:read',
      /exactly one of/,
    ],
    ['dpv:ServiceProvision sim-swap:check', /exactly one of/],
    [
      'dpv:ServiceProvision number-verification:verify sim-swap:check',
      /sim-swap:check is not served by the operator-token path/,
    ],
  ])('refuses scope %s: invalid_scope', async (scope, description) => {
    const res = await post(body({ scope }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
    expect(String(res.body.error_description)).toMatch(description);
  });

  it('only POST', async () => {
    const res = await fetch(`${stack.agg.publicUrl}/openid4vp/credentials`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('rate limits of /openid4vp/credentials', () => {
  let limited: CoreStack;
  beforeAll(async () => {
    limited = await startCoreStack(
      { RATE_LIMIT_OPENID4VP_PER_CLIENT: '2' },
      { operatorToken: true },
    );
  });
  afterAll(() => limited?.stop());

  it('refuses a client past RATE_LIMIT_OPENID4VP_PER_CLIENT with 429 and Retry-After', async () => {
    const lot = limited.operatorToken!;
    const bearer = String((await openId4VpAppToken(lot.at, lot.app)).body.access_token);
    const send = () => postCredentialRequest(lot.at, bearer, body());
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const third = await send();
    expect(third.status).toBe(429);
    expect(third.body.error).toBe('too_many_requests');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
  });
});
