import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { decodeJwt, generateKeyPair } from 'jose';
import { request } from 'undici';
import {
  acquireTemporaryToken,
  createTelephonyPki,
  HandsetError,
  type DcqlCredential,
  type Handset,
} from '@switchboard/handset';
import type { Clock } from '@switchboard/operator-sandbox';
import { createSecretBox } from '@switchboard/tokens';
import { loadConfig } from '../src/config.js';
import { createVpTokenExchange } from '../src/authorize/backend/vp-token-exchange.js';
import { silentLogger } from '../src/infra/logging.js';
import {
  startCoreStack,
  type CoreStack,
  type OperatorTokenStack,
} from '../test-support/core-stack.js';
import {
  exchangeOperatorToken,
  requestOperatorTokenCredential,
  runOperatorTokenPath,
} from '../test-support/operator-token.js';
import { bearerAssertion, jwtBearer, type FormResult } from '../test-support/backend-client.js';
import { takeEphemeralKey } from '../src/openid4vp/store/openid4vp-request-store.js';
import { certificatesFromPem } from '../src/openid4vp/x509-certificates.js';

// The operator-token path end to end (issue 14; CAMARA NV "Operator Token Acquisition" guide,
// Steps 1–4 and §5): the app's credential request, the simulated handset (Telephony + GMS) with
// the real sandbox entitlement services, the vp_token: exchange, NV through the proxy.
const DPN = 'dpv:ServiceProvision number-verification:device-phone-number:read';
const VERIFY = 'dpv:ServiceProvision number-verification:verify';
const SLOT = { 'sandbox-a': 0, 'sandbox-b': 1 } as const;
const NUMBER = { 'sandbox-a': '+346001000005', 'sandbox-b': '+491700000005' } as const;

/** The sandboxes' clock: a test moves it to issue a temp_token that is already expired. */
const clock: Clock & { offset: number } = { offset: 0, now: () => Date.now() + clock.offset };
let stack: CoreStack;
let ot: OperatorTokenStack;
let handset: Handset;

beforeAll(async () => {
  stack = await startCoreStack({}, { operatorToken: true, sandboxClock: clock });
  ot = stack.operatorToken!;
  handset = await ot.handset();
});
afterAll(() => stack?.stop());

const run = (scope: string, o: Omit<Parameters<typeof runOperatorTokenPath>[3], 'scope'> = {}) =>
  runOperatorTokenPath(ot.at, ot.app, handset, { scope, ...o });

function expectRefusal(result: FormResult, description: string | RegExp) {
  expect(result.status).toBe(400);
  expect(result.body.error).toBe('invalid_grant');
  if (typeof description === 'string') expect(result.body.error_description).toBe(description);
  else expect(String(result.body.error_description)).toMatch(description);
}

async function nv(token: unknown, path: string, body?: unknown) {
  const res = await request(`${stack.agg.publicUrl}/number-verification/v2${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${String(token)}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const consentHash = (credential: DcqlCredential) => {
  const jwt = credential.meta.credential_authorization_jwt;
  const { consent_data } = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as {
    consent_data: string;
  };
  return createHash('sha256').update(consent_data).digest('base64url');
};

async function auditOf(credentialId: string) {
  const rows = (await stack.t.db
    .knex('audit_log')
    .where({ action: 'operator-token.exchange', target: credentialId })
    .select('actor', 'operator_id', 'detail')) as Array<{
    actor: string;
    operator_id: string | null;
    detail: Record<string, unknown> | string;
  }>;
  return rows.map((r) => ({
    ...r,
    detail:
      typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
  }));
}

/** Splits a compact JWS, applies `change` to its payload, and joins it again (signature kept). */
function forgePayload(jws: string, change: Record<string, unknown>): string {
  const [h, p, s] = jws.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  return `${h}.${Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url')}.${s}`;
}

describe('the operator-token path: happy paths (routing by carrier_hint)', () => {
  it.each(['sandbox-a', 'sandbox-b'] as const)(
    '%s: device-phone-number and verify through the aggregator’s proxy',
    async (operator) => {
      const dpn = await run(DPN, { slot: SLOT[operator] });
      expect(dpn.result.status).toBe(200);
      expect(dpn.result.body).toMatchObject({ token_type: 'Bearer', scope: DPN });
      expect(Number(dpn.result.body.expires_in)).toBeLessThanOrEqual(300);
      expect(await nv(dpn.result.body.access_token, '/device-phone-number')).toEqual({
        status: 200,
        body: { devicePhoneNumber: NUMBER[operator] },
      });

      const verify = await run(VERIFY, { slot: SLOT[operator] });
      expect(verify.result.status).toBe(200);
      expect(
        await nv(verify.result.body.access_token, '/verify', { phoneNumber: NUMBER[operator] }),
      ).toEqual({
        status: 200,
        body: { devicePhoneNumberVerified: true },
      });

      // The audit log: consent_data_hash, hints, vct, outcome; never the number or a token.
      const [entry] = await auditOf(dpn.credential.id);
      expect(entry).toMatchObject({
        actor: `client:${ot.app.id}`,
        operator_id: operator,
        detail: {
          clientId: ot.app.id,
          credentialId: dpn.credential.id,
          consentDataHash: consentHash(dpn.credential),
          carrierHint: operator === 'sandbox-a' ? '99901' : '99902',
          androidCarrierHint: operator === 'sandbox-a' ? 90001 : 90002,
          vct: 'number-verification/device-phone-number/ts43',
          outcome: 'success',
        },
      });
      expect(JSON.stringify(entry)).not.toContain(NUMBER[operator].slice(1));
      expect(JSON.stringify(entry)).not.toContain(dpn.sdJwt.slice(0, 40));
      // The ephemeral key is gone from the database.
      expect(
        await stack.t.db.knex('openid4vp_requests').where({ id: dpn.credential.id }).first(),
      ).toBeUndefined();
    },
  );
});

describe('the operator-token path: refusals (invalid_grant naming the check)', () => {
  it('a tampered Issuer JWT', async () => {
    const { credential, nonce } = await requestOperatorTokenCredential(ot.at, ot.app, {
      scope: DPN,
    });
    const [issuer, binding] = (await handset.present(credential, nonce, 0)).split('~') as [
      string,
      string,
    ];
    const result = await exchangeOperatorToken(
      ot.at,
      ot.app,
      `${forgePayload(issuer, { vct: 'x' })}~${binding}`,
      DPN,
    );
    expectRefusal(result, 'the Issuer JWT signature does not verify with its x5c leaf key');
  });

  it('a tampered Binding JWT', async () => {
    const { credential, nonce } = await requestOperatorTokenCredential(ot.at, ot.app, {
      scope: DPN,
    });
    const [issuer, binding] = (await handset.present(credential, nonce, 0)).split('~') as [
      string,
      string,
    ];
    const result = await exchangeOperatorToken(
      ot.at,
      ot.app,
      `${issuer}~${forgePayload(binding, { carrier_hint: '99902' })}`,
      DPN,
    );
    expectRefusal(result, 'the Binding JWT signature does not verify with the cnf key');
  });

  it('a Binding JWT signed with a key other than cnf', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    expectRefusal(
      (await run(DPN, { tamper: { bindingSigningKey: privateKey } })).result,
      'the Binding JWT signature does not verify with the cnf key',
    );
  });

  it('an Issuer JWT from a Telephony PKI the aggregator does not trust', async () => {
    const other = await createTelephonyPki('Rogue Telephony');
    expectRefusal(
      (await run(DPN, { tamper: { telephony: other } })).result,
      'the Issuer JWT x5c chain does not end at a configured Telephony trust anchor',
    );
  });

  it('a wrong aud (a caller identity the app did not register)', async () => {
    const elsewhere = await ot.handset({ callerIdentity: 'https://phish.example' });
    const result = await runOperatorTokenPath(ot.at, ot.app, elsewhere, { scope: DPN });
    expectRefusal(
      result.result,
      "the Binding JWT aud is not one of this client's allowed origins or APK key hashes",
    );
  });

  it('a wrong nonce', async () => {
    const result = await run(DPN, {
      tamper: { bindingClaims: { nonce: 'another-nonce-0123456789' } },
    });
    expectRefusal(
      result.result,
      'the Binding JWT nonce names no unexpired credential request of this client',
    );
  });

  it('a replayed nonce (a second presentation for a credential already exchanged)', async () => {
    const { credential, nonce } = await requestOperatorTokenCredential(ot.at, ot.app, {
      scope: DPN,
    });
    const first = await exchangeOperatorToken(
      ot.at,
      ot.app,
      await handset.present(credential, nonce, 0),
      DPN,
    );
    expect(first.status).toBe(200);
    const second = await exchangeOperatorToken(
      ot.at,
      ot.app,
      await handset.present(credential, nonce, 0),
      DPN,
    );
    expectRefusal(
      second,
      'the Binding JWT nonce names no unexpired credential request of this client',
    );
  });

  it('a bad sd_hash', async () => {
    const result = await run(DPN, { tamper: { bindingClaims: { sd_hash: 'AAAA' } } });
    expectRefusal(result.result, 'the Binding JWT sd_hash is not the hash of the Issuer JWT and ~');
  });

  it('a vct other than the request’s', async () => {
    const result = await run(DPN, {
      tamper: { issuerClaims: { vct: 'number-verification/verify/ts43' } },
    });
    expectRefusal(
      result.result,
      'the Issuer JWT vct must be number-verification/device-phone-number/ts43',
    );
  });

  it('an assertion scope that asks for another API than the request', async () => {
    const { credential, nonce } = await requestOperatorTokenCredential(ot.at, ot.app, {
      scope: DPN,
    });
    const result = await exchangeOperatorToken(
      ot.at,
      ot.app,
      await handset.present(credential, nonce, 0),
      VERIFY,
    );
    expectRefusal(result, /^the assertion scope does not ask for what the credential request did/);
  });

  it('a consent_data_hash other than the consent shown', async () => {
    const result = await run(DPN, { tamper: { bindingClaims: { consent_data_hash: 'AAAA' } } });
    expectRefusal(
      result.result,
      'the Binding JWT consent_data_hash is not the hash of the consent_data shown',
    );
  });

  it('an ephemeral key used twice: the process that loses the race is refused', async () => {
    // Two processes holding presentations for one request: both pass the checks before either
    // takes the key. The exchange is driven directly so "the other process" takes it exactly
    // between the checks and step 9 (no timing).
    const { credential, nonce } = await requestOperatorTokenCredential(ot.at, ot.app, {
      scope: DPN,
    });
    const sdJwt = await handset.present(credential, nonce, 0);
    // "The other process" takes the key just before this one's consume statement (the raw
    // query that spends the jti and takes the key), after its reads and checks.
    const knex = stack.t.db.knex;
    const racingKnex = new Proxy(knex, {
      get: (target, property, receiver) =>
        property === 'raw'
          ? async (...args: Parameters<typeof knex.raw>) => {
              await takeEphemeralKey(knex, credential.id);
              return target.raw(...args);
            }
          : (Reflect.get(target, property, receiver) as unknown),
    });
    const exchange = createVpTokenExchange({
      knex: racingKnex,
      secretBox: createSecretBox(loadConfig({}).masterKeys),
      finder: stack.agg.index,
      backend: {} as never,
      trustAnchors: certificatesFromPem(ot.trust.pki.rootPem),
      logger: silentLogger,
    });
    const client = (await stack.agg.clients.backendClient(ot.app.id))!;
    const refusal = exchange({
      client,
      scope: DPN,
      sdJwt,
      assertion: { jti: 'race-jti', expiresAt: new Date(Date.now() + 60_000) },
    });
    await expect(refusal).rejects.toMatchObject({
      error: 'invalid_grant',
      description: 'the ephemeral key was used already',
    });
    const [entry] = await auditOf(credential.id);
    expect(entry?.detail).toMatchObject({
      outcome: 'the ephemeral key was used already',
      consentDataHash: consentHash(credential),
    });
  });

  it('an expired temp_token (issued on the sandbox clock 121 s ago)', async () => {
    const { credential, nonce } = await requestOperatorTokenCredential(ot.at, ot.app, {
      scope: DPN,
    });
    clock.offset = -121_000;
    let sdJwt: string;
    try {
      sdJwt = await handset.present(credential, nonce, 0);
    } finally {
      clock.offset = 0;
    }
    const result = await exchangeOperatorToken(ot.at, ot.app, sdJwt, DPN);
    expectRefusal(
      result,
      'the operator refused the operator token: the operator token has expired',
    );
    expect((await auditOf(credential.id))[0]?.detail.outcome).toBe(
      'the operator refused the operator token: the operator token has expired',
    );
  });

  it('a temp_token replayed in a second presentation', async () => {
    const tempToken = await acquireTemporaryToken({
      msisdn: NUMBER['sandbox-a'],
      secret: 'sim-secret-a-5',
      entitlementUrl: stack.sandboxes[0]!.url,
    });
    expect((await run(DPN, { tamper: { tempToken } })).result.status).toBe(200);
    const again = await run(DPN, { tamper: { tempToken } });
    expectRefusal(
      again.result,
      'the operator refused the operator token: the operator token was already used',
    );
  });

  it('an unknown carrier_hint', async () => {
    const result = await run(DPN, { tamper: { bindingClaims: { carrier_hint: '99999' } } });
    expectRefusal(
      result.result,
      'carrier_hint 99999 names no operator that offers operator tokens',
    );
  });

  it('a replayed assertion is refused (its request and key are gone; its jti is spent)', async () => {
    const { credential, nonce } = await requestOperatorTokenCredential(ot.at, ot.app, {
      scope: DPN,
    });
    const sdJwt = await handset.present(credential, nonce, 0);
    const assertion = await bearerAssertion(ot.app, {
      sub: `vp_token:${sdJwt}`,
      scope: DPN,
      aud: `${ot.at.issuer}/token`,
    });
    expect((await jwtBearer(ot.at, assertion)).status).toBe(200);
    expectRefusal(
      await jwtBearer(ot.at, assertion),
      'the Binding JWT nonce names no unexpired credential request of this client',
    );
    const { jti } = decodeJwt(assertion);
    expect(
      await stack.t.db.knex('assertion_uses').where({ client_id: ot.app.id, jti }).first(),
    ).toBeDefined();
  });
});

describe('the handset and the credential request', () => {
  it('a handset whose carriers do not allowlist the aggregator’s root refuses the request', async () => {
    const strict = await ot.handset({ allowlist: { '99901': ['00'.repeat(32)], '99902': [] } });
    const { credential, nonce } = await requestOperatorTokenCredential(ot.at, ot.app, {
      scope: DPN,
    });
    await expect(strict.review(credential, nonce)).rejects.toMatchObject({
      code: 'aggregator_not_allowlisted',
    });
    await expect(strict.present(credential, nonce, 0)).rejects.toBeInstanceOf(HandsetError);
  });

  it('carrier ids no operator offers: carrier_not_supported, with the network_authentication fallback', async () => {
    await expect(
      requestOperatorTokenCredential(ot.at, ot.app, { scope: DPN, carrierIds: [1839] }),
    ).rejects.toThrow(
      /"error":"carrier_not_supported".*"fallback_options":\["network_authentication"\]/,
    );
  });

  it('every exchange that reached the ephemeral key is in the audit log with its consent_data_hash', async () => {
    const rows = (await stack.t.db
      .knex('audit_log')
      .where({ action: 'operator-token.exchange' })
      .select('detail')) as Array<{ detail: Record<string, unknown> | string }>;
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) {
      const detail =
        typeof row.detail === 'string'
          ? (JSON.parse(row.detail) as Record<string, unknown>)
          : row.detail;
      expect(detail.consentDataHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Object.keys(detail).sort()).toEqual([
        'androidCarrierHint',
        'carrierHint',
        'clientId',
        'consentDataHash',
        'credentialId',
        'outcome',
        'vct',
      ]);
    }
  });
});
