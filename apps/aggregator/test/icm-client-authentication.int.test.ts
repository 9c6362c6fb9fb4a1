import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { request } from 'undici';
import { InputError } from '@switchboard/telco-finder';
import type { Aggregator } from '../src/app.js';
import {
  APP_CALLBACK,
  authorizeUrl,
  FRAUD,
  redeemCode,
  registerApp,
  startTestAggregator,
  type AppClient,
} from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';
import {
  bcAuthorize,
  bearerAssertion,
  jwtBearer,
  pollUntilDone,
  registerBackendApp,
  type BackendApp,
} from '../test-support/backend-client.js';

// ICM r4.2 (camaraproject/IdentityAndConsentManagement, documentation/
// CAMARA-Security-Interoperability.md): "Client Authentication", "Handling of acr_values",
// "Missing "openid" scope" and "Appendix A (Normative): Error Responses".
const ADMIN = { kind: 'admin', id: 'test' } as const;
const NV = `${FRAUD} number-verification:verify`;

let s: CoreStack;
/** A second process on the same database with the strict profile (as NODE_ENV=production). */
let strict: Aggregator;
let backend: BackendApp;
beforeAll(async () => {
  s = await startCoreStack();
  strict = await startTestAggregator(s.t.db, undefined, { ICM_STRICT_PROFILE: 'true' });
  await s.agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
  backend = await registerBackendApp(s.agg, { trustTelSubject: true });
}, 60_000);
afterAll(async () => {
  await strict.stop();
  await s.stop();
});

async function discovery(agg: Aggregator) {
  const res = await request(`${agg.publicUrl}/.well-known/openid-configuration`);
  return (await res.body.json()) as Record<string, unknown>;
}

async function flow(
  agg: Aggregator,
  address: string,
  app: AppClient,
  o: { scope?: string; extra?: Record<string, string> } = {},
) {
  const req = authorizeUrl(agg.issuer, app, { prompt: 'none', scope: o.scope ?? `openid ${NV}` });
  const url = new URL(req.url);
  // OIDC Core §3.1.2.1: nonce is an OpenID Connect parameter; an OAuth-only request sends none.
  if (!(o.scope ?? 'openid').split(' ').includes('openid')) url.searchParams.delete('nonce');
  for (const [k, v] of Object.entries(o.extra ?? {})) url.searchParams.set(k, v);
  const { redirect } = await s.device(address).follow(url.href, APP_CALLBACK);
  return { req, params: redirect?.searchParams };
}

async function tokens(agg: Aggregator, app: AppClient, o: Parameters<typeof flow>[3] = {}) {
  const { req, params } = await flow(agg, '127.10.3.1', app, o);
  const code = params?.get('code');
  if (!code) throw new Error(`no code: ${params?.toString()}`);
  const res = await redeemCode(`${agg.publicUrl}/token`, agg.issuer, app, code, req.verifier);
  expect(res.status).toBe(200);
  return res.body;
}

describe('ICM strict profile: only private_key_jwt, for apps and toward operators (ICM r4.2 Client Authentication)', () => {
  it('discovery lists only private_key_jwt under the strict profile, both methods in development', async () => {
    expect((await discovery(strict)).token_endpoint_auth_methods_supported).toEqual([
      'private_key_jwt',
    ]);
    expect((await discovery(s.agg)).token_endpoint_auth_methods_supported).toEqual([
      'private_key_jwt',
      'client_secret_basic',
    ]);
  });

  it('refuses to register a client_secret_basic client, or to give one a new secret', async () => {
    const add = strict.clients.add({
      name: 'Secret app',
      redirectUris: [APP_CALLBACK],
      authMethod: 'client_secret_basic',
    });
    await expect(add).rejects.toThrow(InputError);
    await expect(add).rejects.toThrow(/ICM_STRICT_PROFILE.*private_key_jwt/);
    await expect(strict.clients.rotateSecret(s.secretApp.id)).rejects.toThrow(
      /ICM_STRICT_PROFILE.*private_key_jwt/,
    );
    const keyApp = await registerApp(strict, 'key');
    expect((await strict.clients.get(keyApp.id)).authMethod).toBe('private_key_jwt');
  });

  it('a client registered with a secret before cannot authenticate: 401 invalid_client', async () => {
    const basic = `Basic ${Buffer.from(`${s.secretApp.id}:${(s.secretApp as { secret: string }).secret}`).toString('base64')}`;
    const call = async (agg: Aggregator) => {
      const res = await request(`${agg.publicUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'not-a-code',
          redirect_uri: APP_CALLBACK,
          code_verifier: 'v'.repeat(43),
        }).toString(),
      });
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
    };
    expect(await call(strict)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // In development the same client authenticates (and the made-up code is refused).
    expect(await call(s.agg)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses an operator with client_secret_basic credentials at registration and update', async () => {
    const create = strict.operators.create(
      {
        id: 'secret-op',
        name: 'Secret Operator',
        country: 'ES',
        clientId: 'switchboard',
        issuerUrl: 'https://op.example',
        apiRoot: 'https://op.example/api',
        credentials: { method: 'client_secret_basic', clientSecret: 'secret-secret' },
      },
      ADMIN,
    );
    await expect(create).rejects.toThrow(InputError);
    await expect(create).rejects.toThrow(/ICM_STRICT_PROFILE.*private_key_jwt/);
    await expect(
      strict.operators.update(
        'sandbox-a',
        { credentials: { method: 'client_secret_basic', clientSecret: 'secret-secret' } },
        ADMIN,
      ),
    ).rejects.toThrow(/ICM_STRICT_PROFILE.*private_key_jwt/);
    expect((await strict.operators.get('sandbox-a')).clientAuthMethod).toBe('private_key_jwt');
  });

  it('does not use an operator registered with a secret before: server_error saying why', async () => {
    // sandbox-down (127.40/16) holds client_secret_basic credentials; in development the flow
    // tries it (and finds it down), under the strict profile it never does.
    const { params } = await flow(strict, '127.40.0.9', s.keyApp);
    expect(params?.get('error')).toBe('server_error');
    expect(params?.get('error_description')).toMatch(/private_key_jwt/);
    const dev = await flow(s.agg, '127.40.0.9', s.keyApp);
    expect(dev.params?.get('error')).toBe('temporarily_unavailable');
  });
});

describe('ICM acr_values is ignored (ICM r4.2 Handling of acr_values)', () => {
  it('a request with acr_values gets the same answer and ID token claims as one without', async () => {
    const plain = decodeJwt(String((await tokens(s.agg, s.keyApp)).id_token));
    const asked = decodeJwt(
      String(
        (await tokens(s.agg, s.keyApp, { extra: { acr_values: 'urn:example:acr:loa4 loa3' } }))
          .id_token,
      ),
    );
    expect(asked.acr).toEqual(plain.acr);
    expect(asked.acr).not.toBe('urn:example:acr:loa4');
    expect(asked.amr).toEqual(plain.amr);
    expect(Object.keys(asked).sort()).toEqual(Object.keys(plain).sort());
  });

  it('acr_values without openid is ignored too: a code and a token, as without acr_values', async () => {
    // OIDC gates acr_values behind openid (invalid_request); ICM says ignore it, so it is.
    const body = await tokens(s.agg, s.keyApp, { scope: NV, extra: { acr_values: 'loa3' } });
    expect(typeof body.access_token).toBe('string');
    expect(body.id_token).toBeUndefined();
  });

  it('acr_values at /bc-authorize is ignored: the same answer as without', async () => {
    const started = await bcAuthorize(s.agg, backend, {
      scope: `openid ${FRAUD} sim-swap:check`,
      login_hint: 'tel:+346001000005',
      acr_values: 'urn:example:acr:loa4',
    });
    expect(started.status).toBe(200);
    const done = await pollUntilDone(s.agg, backend, started.body);
    expect(done.status).toBe(200);
    expect(decodeJwt(String(done.body.id_token)).acr).not.toBe('urn:example:acr:loa4');
  });
});

describe('ICM no ID token without openid (ICM r4.2 Missing "openid" scope)', () => {
  it('authorization code: with openid an id_token, without none', async () => {
    expect(typeof (await tokens(s.agg, s.keyApp)).id_token).toBe('string');
    const without = await tokens(s.agg, s.keyApp, { scope: NV });
    expect(typeof without.access_token).toBe('string');
    expect(without.id_token).toBeUndefined();
  });

  it('CIBA: with openid an id_token; without openid 400 invalid_request (CIBA Core §7.1), so none', async () => {
    const started = await bcAuthorize(s.agg, backend, {
      scope: `openid ${FRAUD} sim-swap:check`,
      login_hint: 'tel:+346001000005',
    });
    expect(started.status).toBe(200);
    const done = await pollUntilDone(s.agg, backend, started.body);
    expect(done.status).toBe(200);
    expect(typeof done.body.id_token).toBe('string');
    const without = await bcAuthorize(s.agg, backend, {
      scope: `${FRAUD} sim-swap:check`,
      login_hint: 'tel:+346001000005',
    });
    expect(without).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(without.body.id_token).toBeUndefined();
  });

  it('JWT-bearer: an access token only, with or without openid', async () => {
    for (const scope of [`openid ${FRAUD} sim-swap:check`, `${FRAUD} sim-swap:check`]) {
      const assertion = await bearerAssertion(backend, {
        sub: 'tel:+346001000005',
        scope,
        aud: `${s.agg.issuer}/token`,
      });
      const res = await jwtBearer(s.agg, assertion);
      expect(res.status).toBe(200);
      expect(typeof res.body.access_token).toBe('string');
      expect(res.body.id_token).toBeUndefined();
    }
  });
});

describe('ICM Appendix A error codes are used exactly (ICM r4.2 Appendix A)', () => {
  it('/authorize: a resource the aggregator does not serve is invalid_request, not invalid_target', async () => {
    const { params } = await flow(s.agg, '127.10.3.2', s.keyApp, {
      extra: { resource: 'https://elsewhere.example/api' },
    });
    expect(params?.get('error')).toBe('invalid_request');
  });

  it('/bc-authorize: a resource the aggregator does not serve is invalid_request', async () => {
    const res = await bcAuthorize(s.agg, backend, {
      scope: `openid ${FRAUD} sim-swap:check`,
      login_hint: 'tel:+346001000005',
      resource: 'https://elsewhere.example/api',
    });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});
