import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { APP_CALLBACK, FRAUD, type AppClient } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// What each app may do at the aggregator's OIDC provider, end to end through the nested flow.
let s: CoreStack;
beforeAll(async () => {
  s = await startCoreStack();
}, 60_000);
afterAll(() => s.stop());

const VERIFY = 'number-verification:verify';
const SHARE = 'number-verification:device-phone-number:read';
const V0_SHARE = 'number-verification-share-read';

/** An app registered as an admin does by default: no allowedScopes given. */
async function defaultApp(): Promise<AppClient> {
  const created = await s.agg.clients.add({
    name: 'Default app',
    redirectUris: [APP_CALLBACK],
    authMethod: 'client_secret_basic',
  });
  return { id: created.client.id, method: 'secret', secret: created.clientSecret! };
}

let next = 1;
const device = () => `127.10.3.${next++}`;
const msisdnOf = (address: string) => `+346001003${address.split('.')[3]!.padStart(3, '0')}`;

async function flow(app: AppClient, address: string, apiScopes: string) {
  return s.authorize(address, app, { prompt: 'none', scope: `openid ${FRAUD} ${apiScopes}` });
}

async function token(app: AppClient, address: string, apiScopes: string) {
  const { req, params } = await flow(app, address, apiScopes);
  const code = params?.get('code');
  if (!code) throw new Error(`no code: ${params?.toString()}`);
  const res = await s.tokenFor(app, code, req.verifier);
  expect(res.status).toBe(200);
  return { accessToken: String(res.body.access_token), claims: res.claims! };
}

const devicePhoneNumber = (accessToken: string) =>
  fetch(`${s.agg.publicUrl}/number-verification/v2/device-phone-number`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });

describe('no per-app scope allow-list: an app gets only the API scopes an admin allowed it', () => {
  it('an app without the share scope asking for it gets invalid_scope at its redirect URI; with it, works', async () => {
    const app = await defaultApp();
    for (const scope of [SHARE, V0_SHARE, `${VERIFY} ${SHARE}`]) {
      const { req, redirect, params } = await flow(app, device(), scope);
      expect(redirect?.origin + (redirect?.pathname ?? '')).toBe(APP_CALLBACK);
      expect(params?.get('error')).toBe('invalid_scope');
      expect(params?.get('error_description')).toContain(scope.includes(SHARE) ? SHARE : V0_SHARE);
      expect(params?.get('state')).toBe(req.state);
      expect(params?.get('code')).toBeNull();
    }
    await s.agg.clients.update(app.id, { allowedScopes: [VERIFY, SHARE] });
    const address = device();
    const { accessToken } = await token(app, address, SHARE);
    const shared = await devicePhoneNumber(accessToken);
    expect(shared.status).toBe(200);
    expect(await shared.json()).toEqual({ devicePhoneNumber: msisdnOf(address) });
  });

  it('a new app may verify a number without any admin step (the demo app does)', async () => {
    const app = await defaultApp();
    const { claims } = await token(app, device(), VERIFY);
    expect(claims.scope.split(' ').sort()).toEqual([FRAUD, VERIFY].sort());
  });

  it('the AggregatorAccessToken carries only the API scopes that were requested and allowed', async () => {
    const app = await defaultApp();
    await s.agg.clients.update(app.id, { allowedScopes: [VERIFY, SHARE, V0_SHARE] });
    const { claims } = await token(app, device(), VERIFY);
    expect(claims.scope.split(' ').sort()).toEqual([FRAUD, VERIFY].sort());
  });

  it('a scope withdrawn between authorization and token request is left out of the token', async () => {
    const app = await defaultApp();
    await s.agg.clients.update(app.id, { allowedScopes: [VERIFY, SHARE] });
    const { req, params } = await flow(app, device(), `${VERIFY} ${SHARE}`);
    await s.agg.clients.update(app.id, { allowedScopes: [VERIFY] });
    const res = await s.tokenFor(app, params!.get('code')!, req.verifier);
    expect(res.status).toBe(200);
    expect(res.claims!.scope.split(' ').sort()).toEqual([FRAUD, VERIFY].sort());
    const shared = await devicePhoneNumber(String(res.body.access_token));
    expect(shared.status).toBe(403);
    expect(await shared.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});

describe('discovery advertises subject_types_supported ["public"] while sub is pairwise', () => {
  it('says pairwise in the discovery documents (OIDC Discovery §3, RFC 8414, OIDC Core §8)', async () => {
    for (const path of ['openid-configuration', 'oauth-authorization-server']) {
      const res = await fetch(`${s.agg.issuer}/.well-known/${path}`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as Record<string, unknown>;
      expect(doc.subject_types_supported).toEqual(['pairwise']);
      expect(doc.issuer).toBe(s.agg.issuer);
    }
  });

  it('lists only the grant types Switchboard issues, the ICM backend grants among them: no refresh_token (RFC 8414 §2)', async () => {
    for (const path of ['openid-configuration', 'oauth-authorization-server']) {
      const doc = (await (await fetch(`${s.agg.issuer}/.well-known/${path}`)).json()) as {
        grant_types_supported: string[];
      };
      expect(doc.grant_types_supported.sort()).toEqual([
        'authorization_code',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
        'urn:openid:params:grant-type:ciba',
      ]);
    }
  });

  it('gives each app its own sub for the same device, stable for one app, never the number', async () => {
    const address = device();
    const subOf = async (app: AppClient) => {
      const { req, params } = await flow(app, address, VERIFY);
      const res = await s.tokenFor(app, params!.get('code')!, req.verifier);
      return String(decodeJwt(String(res.body.id_token)).sub);
    };
    const [a1, a2, b] = [await subOf(s.secretApp), await subOf(s.secretApp), await subOf(s.keyApp)];
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    for (const sub of [a1, b]) expect(sub).not.toContain(msisdnOf(address).slice(1));
  });
});
