import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { aggregatorTokenAudience, readAggregatorAccessToken } from '@switchboard/tokens';
import {
  answerConsentOnDevice,
  DeviceBrowser as SandboxDevice,
} from '@switchboard/operator-sandbox/test-support';
import type { Aggregator } from '../src/app.js';
import {
  adminCli,
  bcAuthorize,
  bearerAssertion,
  jwtBearer,
  pollToken,
  pollUntilDone,
  registerBackendApp,
  SANDBOX_APIS,
  startCoreStack,
  startTestAggregator,
  type BackendApp,
  type CoreStack,
} from '../test-support/index.js';

// CAMARA ICM r4.2 backend flows through the aggregator: CIBA (poll mode) and JWT-bearer,
// each nested with the subscriber's operator (docs/backend-authorization.md).
const ADMIN = { kind: 'admin', id: 'test' } as const;
const FRAUD = 'dpv:FraudPreventionAndDetection';
const SIM_SWAP = `openid ${FRAUD} sim-swap:check`;
let s: CoreStack;
let second: Aggregator;
let app: BackendApp;
let trusted: BackendApp;
let noBackend: Server;

/** An OIDC provider that offers neither CIBA nor JWT-bearer (discovery only). */
async function startOperatorWithoutBackendFlows(): Promise<Server> {
  const server = createServer((req, res) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url !== '/.well-known/openid-configuration') return res.writeHead(404).end();
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  s = await startCoreStack();
  // A second aggregator process on the same database and issuer: any process answers any poll.
  second = await startTestAggregator(s.t.db, s.agg.issuer);
  await s.agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
  await s.agg.routes.addPrefixes('sandbox-b', ['+491700'], {}, ADMIN);
  await s.agg.routes.addPrefixes('sandbox-down', ['+3470'], {}, ADMIN);
  noBackend = await startOperatorWithoutBackendFlows();
  const url = `http://127.0.0.1:${(noBackend.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  await s.agg.operators.create(
    {
      id: 'front-only',
      name: 'Front-channel Only',
      country: 'FR',
      clientId: 'switchboard',
      issuerUrl: url,
      apiRoot: url,
      allowInsecureHttp: true,
      supportedApis: SANDBOX_APIS,
      credentials: {
        method: 'private_key_jwt',
        privateJwk: { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'k1' },
      },
    },
    ADMIN,
  );
  await s.agg.routes.addPrefixes('front-only', ['+3361'], {}, ADMIN);
  await s.agg.index.refresh();
  await second.index.refresh();
  app = await registerBackendApp(s.agg);
  trusted = await registerBackendApp(s.agg, { trustTelSubject: true });
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => noBackend.close(resolve));
  await second.stop();
  await s.stop();
});

const keyring = () => s.agg.keys.tokenKeyring();
async function claimsOf(token: unknown) {
  return readAggregatorAccessToken(String(token), {
    keyring: await keyring(),
    issuer: s.agg.issuer,
    audience: aggregatorTokenAudience(s.agg.issuer),
  });
}

async function simSwapCheck(token: unknown, maxAge = 240) {
  const res = await fetch(`${s.agg.publicUrl}/sim-swap/v2/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${String(token)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ maxAge }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('discovery (OIDC CIBA Core §4, RFC 8414)', () => {
  it('advertises the backchannel endpoint, poll mode and both backend grants', async () => {
    const doc = (await (
      await fetch(`${s.agg.publicUrl}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(doc.backchannel_authentication_endpoint).toBe(`${s.agg.issuer}/bc-authorize`);
    expect(doc.backchannel_token_delivery_modes_supported).toEqual(['poll']);
    expect(doc.grant_types_supported).toEqual(
      expect.arrayContaining([
        'urn:openid:params:grant-type:ciba',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ]),
    );
  });
});

describe('operators show: backend flows from the discovery document', () => {
  const show = async (id: string) => {
    const cli = await adminCli(s.agg);
    const run = await cli('operators', 'show', id, '--json');
    return (JSON.parse(run.stdout) as { backendFlows: Record<string, unknown> }).backendFlows;
  };

  it('reads CIBA poll and JWT-bearer from each sandbox, and none from a front-channel operator', async () => {
    expect(await show('sandbox-a')).toMatchObject({ ciba: true, jwtBearer: true });
    expect(await show('sandbox-b')).toMatchObject({ ciba: true, jwtBearer: true });
    expect(await show('front-only')).toMatchObject({ ciba: false, jwtBearer: false });
  });

  it('says why when the discovery document cannot be read', async () => {
    expect(await show('sandbox-down')).toEqual({
      error: expect.stringContaining('discovery document of operator sandbox-down'),
    });
  });
});

describe('CIBA: refusals at /bc-authorize (ICM r4.2 Appendix A)', () => {
  it.each([
    ['no login_hint', { scope: SIM_SWAP }, 'invalid_request'],
    [
      'a malformed tel: hint',
      { scope: SIM_SWAP, login_hint: 'tel:346001000007' },
      'invalid_request',
    ],
    [
      'an ipport: hint without brackets for IPv6',
      { scope: SIM_SWAP, login_hint: 'ipport:2001:db8::1' },
      'invalid_request',
    ],
    ['a login_hint_token', { scope: SIM_SWAP, login_hint_token: 'x' }, 'invalid_request'],
    [
      'two purposes',
      { scope: `${SIM_SWAP} dpv:ServiceProvision`, login_hint: 'tel:+346001000007' },
      'invalid_scope',
    ],
    [
      'no purpose',
      { scope: 'openid sim-swap:check', login_hint: 'tel:+346001000007' },
      'invalid_scope',
    ],
  ])('%s → 400 %s', async (_name, params, error) => {
    const res = await bcAuthorize(s.agg, app, params as Record<string, string>);
    expect(res).toMatchObject({ status: 400, body: { error } });
    expect(String(res.body.error_description).length).toBeGreaterThan(0);
  });

  it('a number no operator holds → 400 unknown_user_id', async () => {
    const res = await bcAuthorize(s.agg, app, { scope: SIM_SWAP, login_hint: 'tel:+12025550100' });
    expect(res).toMatchObject({ status: 400, body: { error: 'unknown_user_id' } });
  });

  it('an operator without CIBA → 403 access_denied saying so', async () => {
    const res = await bcAuthorize(s.agg, app, { scope: SIM_SWAP, login_hint: 'tel:+33610000001' });
    expect(res).toMatchObject({
      status: 403,
      body: { error: 'access_denied', error_description: expect.stringContaining('CIBA') },
    });
  });

  it('an operator that cannot be reached → 503 temporarily_unavailable', async () => {
    const res = await bcAuthorize(s.agg, app, { scope: SIM_SWAP, login_hint: 'tel:+34700000001' });
    expect(res).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
  });

  it('an app client (authorization code) may not use CIBA → unauthorized_client', async () => {
    const res = await bcAuthorize(
      s.agg,
      { id: s.keyApp.id, jwk: s.keyApp.jwk },
      {
        scope: SIM_SWAP,
        login_hint: 'tel:+346001000007',
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('leaves no request behind when refused', async () => {
    const rows = await s.t.db.knex('backchannel_requests').select('auth_req_id');
    expect(rows).toEqual([]);
  });
});

describe('JWT-bearer: refusals (ICM r4.2 "JWT Bearer Flow", every one invalid_grant)', () => {
  const aud = () => `${s.agg.issuer}/token`;
  const good = (o: Partial<Parameters<typeof bearerAssertion>[1]> = {}) =>
    bearerAssertion(trusted, {
      sub: 'tel:+346001000007',
      scope: `${FRAUD} sim-swap:check`,
      aud: aud(),
      ...o,
    });
  const now = () => Math.floor(Date.now() / 1000);

  it.each<[string, () => Promise<string>, RegExp]>([
    ['wrong aud', () => good({ aud: `${s.agg.issuer}/bc-authorize` }), /aud/],
    ['expired', () => good({ iat: now() - 120, exp: now() - 60 }), /expired/],
    ['exp more than 300 s after iat', () => good({ exp: now() + 400 }), /300/],
    ['iat in the future', () => good({ iat: now() + 120, exp: now() + 180 }), /future/],
    ['no jti', () => good({ omit: ['jti'] }), /jti/],
    ['no scope claim', () => good({ scope: undefined, omit: ['scope'] }), /scope/],
    [
      'two purposes',
      () => good({ scope: `${FRAUD} dpv:ServiceProvision sim-swap:check` }),
      /purpose/,
    ],
    ['an ipport: subject', () => good({ sub: 'ipport:127.10.0.7' }), /tel:/],
    ['an unknown number', () => good({ sub: 'tel:+12025550100' }), /operator/],
  ])('%s', async (_name, make, description) => {
    const res = await jwtBearer(s.agg, await make());
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(String(res.body.error_description)).toMatch(description);
  });

  it('a scope request parameter', async () => {
    const res = await jwtBearer(s.agg, await good(), { scope: `${FRAUD} sim-swap:check` });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(String(res.body.error_description)).toMatch(/scope parameter/);
  });

  it('a signature by another key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const other = { ...(await exportJWK(privateKey)), kid: trusted.jwk.kid! };
    const assertion = await bearerAssertion(
      trusted,
      { sub: 'tel:+346001000007', scope: `${FRAUD} sim-swap:check`, aud: aud() },
      other,
    );
    const res = await jwtBearer(s.agg, assertion);
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(String(res.body.error_description)).toMatch(/signature/);
  });

  it('a client not trusted with tel: subjects', async () => {
    const assertion = await bearerAssertion(app, {
      sub: 'tel:+346001000007',
      scope: `${FRAUD} sim-swap:check`,
      aud: aud(),
    });
    const res = await jwtBearer(s.agg, assertion);
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(String(res.body.error_description)).toMatch(/trust/);
  });

  it('an issuer that is not a backend client', async () => {
    const res = await jwtBearer(s.agg, await good({ iss: s.keyApp.id }));
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('an operator without the JWT-bearer grant', async () => {
    const res = await jwtBearer(s.agg, await good({ sub: 'tel:+33610000001' }));
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(String(res.body.error_description)).toMatch(/JWT-bearer/);
  });

  it('an operator that cannot be reached → 503 temporarily_unavailable', async () => {
    const res = await jwtBearer(s.agg, await good({ sub: 'tel:+34700000001' }));
    expect(res).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
  });

  it('a replayed jti, also at another aggregator process', async () => {
    const assertion = await good({ sub: 'tel:+33610000001' });
    await jwtBearer(s.agg, assertion);
    const again = await jwtBearer(second, assertion);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(String(again.body.error_description)).toMatch(/used already/);
  });

  it('other grants still reach oidc-provider with their body intact', async () => {
    const res = await pollToken(s.agg, app, 'no-such-request');
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('through both sandboxes', () => {
  it('CIBA tel:+346001000007, legitimate interest: a token whose SIM Swap check says swapped (sandbox-a)', async () => {
    const started = await bcAuthorize(s.agg, app, {
      scope: SIM_SWAP,
      login_hint: 'tel:+346001000007',
    });
    expect(started).toMatchObject({
      status: 200,
      body: {
        auth_req_id: expect.any(String),
        expires_in: expect.any(Number),
        interval: expect.any(Number),
      },
    });
    const done = await pollUntilDone([s.agg, second], app, started.body);
    expect(done.status).toBe(200);
    expect(done.body.refresh_token).toBeUndefined();
    const claims = await claimsOf(done.body.access_token);
    expect(claims).toMatchObject({ operator_id: 'sandbox-a', client_id: app.id });
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(300);
    expect(claims.sub).not.toContain('346001000007');
    expect(await simSwapCheck(done.body.access_token)).toEqual({
      status: 200,
      json: { swapped: true },
    });
  });

  it('CIBA tel:+346001000005 yields swapped false', async () => {
    const started = await bcAuthorize(s.agg, app, {
      scope: SIM_SWAP,
      login_hint: 'tel:+346001000005',
    });
    const done = await pollUntilDone([second, s.agg], app, started.body);
    expect(await simSwapCheck(done.body.access_token)).toEqual({
      status: 200,
      json: { swapped: false },
    });
  });

  it('ignores binding_message, user_code and requested_expiry (ICM), whatever they say', async () => {
    const started = await bcAuthorize(s.agg, app, {
      scope: SIM_SWAP,
      login_hint: 'tel:+346001000005',
      binding_message: 'not a valid CIBA binding message: far too long and with spaces',
      user_code: 'anything',
      requested_expiry: '5',
    });
    expect(started).toMatchObject({ status: 200, body: { expires_in: 120 } });
  });

  it('never returns the operator auth_req_id', async () => {
    const started = await bcAuthorize(s.agg, app, {
      scope: SIM_SWAP,
      login_hint: 'tel:+346001000005',
    });
    const [row] = (await s.t.db
      .knex('backchannel_requests')
      .where({ auth_req_id: started.body.auth_req_id })) as Array<{
      operator_request_enc: string;
    }>;
    expect(row).toBeDefined();
    expect(row!.operator_request_enc).not.toContain(String(started.body.auth_req_id));
  });

  const KYC = `openid ${FRAUD} kyc-match:match`;

  it('CIBA by ipport: at sandbox-b, a consent purpose: pending until the subscriber approves on the device, then KYC Match works', async () => {
    const started = await bcAuthorize(s.agg, app, {
      scope: KYC,
      login_hint: 'ipport:127.20.0.5:40000',
    });
    expect(started.status).toBe(200);
    // sandbox-b needs consent for dpv:FraudPreventionAndDetection (config/sandbox.json).
    await new Promise((r) => setTimeout(r, Number(started.body.interval) * 1000 + 50));
    const pending = await pollToken(second, app, String(started.body.auth_req_id));
    expect(pending).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
    const device = new SandboxDevice('127.20.0.5');
    try {
      expect(
        (await answerConsentOnDevice(s.sandboxes[1]!.url, device, 'approve')).status,
      ).toBeLessThan(400);
    } finally {
      await device.close();
    }
    const done = await pollUntilDone([s.agg, second], app, started.body);
    expect(done.status).toBe(200);
    expect(await claimsOf(done.body.access_token)).toMatchObject({ operator_id: 'sandbox-b' });
    const kyc = await fetch(`${s.agg.publicUrl}/kyc-match/v0.3/match`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${String(done.body.access_token)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ idDocument: 'L01X00T47', givenName: 'Jonas' }),
    });
    expect({ status: kyc.status, body: await kyc.json() }).toMatchObject({
      status: 200,
      body: { idDocumentMatch: 'true', givenNameMatch: 'true' },
    });
  });

  it('CIBA: the subscriber denies on the device → access_denied', async () => {
    const started = await bcAuthorize(s.agg, app, { scope: KYC, login_hint: 'ipport:127.20.0.8' });
    expect(started.status).toBe(200);
    const device = new SandboxDevice('127.20.0.8');
    try {
      await answerConsentOnDevice(s.sandboxes[1]!.url, device, 'deny');
    } finally {
      await device.close();
    }
    const done = await pollUntilDone([second, s.agg], app, started.body);
    expect(done).toMatchObject({ status: 400, body: { error: 'access_denied' } });
    // Settled: the mapping is gone, and a later poll is refused, not polled at the operator.
    expect(
      await s.t.db.knex('backchannel_requests').where({ auth_req_id: started.body.auth_req_id }),
    ).toEqual([]);
  });

  /** A signed CIBA request (CIBA Core §7.1.1) from the backend app, with `aud` as given. */
  async function signedRequest(aud: string, claims: Record<string, unknown>, jti = randomUUID()) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims, iss: app.id, aud, iat: now, nbf: now, exp: now + 60, jti })
      .setProtectedHeader({ alg: 'ES256', kid: app.jwk.kid! })
      .sign(await importJWK(app.jwk, 'ES256'));
  }
  const signedClaims = { scope: SIM_SWAP, login_hint: 'tel:+346001000007' };

  it.each([
    ['the backchannel endpoint (ICM: RECOMMENDED)', () => `${s.agg.issuer}/bc-authorize`],
    ['the issuer (ICM: MAY)', () => s.agg.issuer],
  ])('accepts a signed request whose aud is %s, its parameters the only ones', async (_n, aud) => {
    const request = await signedRequest(aud(), signedClaims);
    // An outer login_hint outside the object does not count (CIBA Core §7.1.1).
    const started = await bcAuthorize(second, app, { request, login_hint: 'tel:+346001000005' });
    expect(started.status).toBe(200);
    const done = await pollUntilDone([s.agg, second], app, started.body);
    expect(await simSwapCheck(done.body.access_token)).toEqual({
      status: 200,
      json: { swapped: true },
    });
  });

  const toEndpoint = () => `${s.agg.issuer}/bc-authorize`;
  const toIssuer = () => s.agg.issuer;
  it.each([
    [
      'another audience',
      () => signedRequest('https://elsewhere.example/bc-authorize', signedClaims),
    ],
    ...[toEndpoint, toIssuer].map((aud) => [
      `exp more than 300 s after iat (aud ${aud === toIssuer ? 'the issuer' : 'the endpoint'})`,
      async () => {
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({
          ...signedClaims,
          iss: app.id,
          aud: aud(),
          iat: now,
          nbf: now,
          exp: now + 400,
          jti: randomUUID(),
        })
          .setProtectedHeader({ alg: 'ES256', kid: app.jwk.kid! })
          .sign(await importJWK(app.jwk, 'ES256'));
      },
    ]),
  ] as Array<[string, () => Promise<string>]>)(
    'refuses a signed request with %s: invalid_request_object',
    async (_n, make) => {
      const res = await bcAuthorize(s.agg, app, { request: await make() });
      expect(res).toMatchObject({ status: 400, body: { error: 'invalid_request_object' } });
    },
  );

  it.each([
    ['the endpoint', toEndpoint],
    ['the issuer', toIssuer],
  ])(
    'refuses a signed request to %s sent twice (jti single use, across processes)',
    async (_n, aud) => {
      const request = await signedRequest(aud(), {
        scope: SIM_SWAP,
        login_hint: 'tel:+346001000005',
      });
      expect((await bcAuthorize(s.agg, app, { request })).status).toBe(200);
      const again = await bcAuthorize(second, app, { request });
      expect(again).toMatchObject({ status: 400, body: { error: 'invalid_request_object' } });
      expect(String(again.body.error_description)).toMatch(/used already/);
    },
  );

  it('polling faster than the interval → slow_down', async () => {
    const slow = await startTestAggregator(s.t.db, s.agg.issuer, {
      BACKCHANNEL_MIN_INTERVAL_SECONDS: '30',
    });
    try {
      await slow.index.refresh();
      const started = await bcAuthorize(slow, app, {
        scope: SIM_SWAP,
        login_hint: 'tel:+346001000005',
      });
      expect(started.body.interval).toBe(30);
      const res = await pollToken(s.agg, app, String(started.body.auth_req_id));
      expect(res).toMatchObject({ status: 400, body: { error: 'slow_down' } });
    } finally {
      await slow.stop();
    }
  });

  it('expiry → expired_token', async () => {
    const brief = await startTestAggregator(s.t.db, s.agg.issuer, {
      BACKCHANNEL_MAX_EXPIRES_SECONDS: '10',
    });
    try {
      await brief.index.refresh();
      const started = await bcAuthorize(brief, app, {
        scope: SIM_SWAP,
        login_hint: 'tel:+346001000005',
      });
      expect(started.body.expires_in).toBe(10);
      await new Promise((r) => setTimeout(r, 10_500));
      const res = await pollToken(brief, app, String(started.body.auth_req_id));
      expect(res).toMatchObject({ status: 400, body: { error: 'expired_token' } });
    } finally {
      await brief.stop();
    }
  }, 30_000);

  it('JWT-bearer tel:+346001000007 at sandbox-a: swapped', async () => {
    const assertion = await bearerAssertion(trusted, {
      sub: 'tel:+346001000007',
      scope: `${FRAUD} sim-swap:check`,
      aud: `${s.agg.issuer}/token`,
    });
    const res = await jwtBearer(second, assertion);
    expect(res).toMatchObject({
      status: 200,
      body: { token_type: 'Bearer', scope: `${FRAUD} sim-swap:check` },
    });
    expect(res.body.refresh_token).toBeUndefined();
    expect(await simSwapCheck(res.body.access_token)).toEqual({
      status: 200,
      json: { swapped: true },
    });
  });
});
