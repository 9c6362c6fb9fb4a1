import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import { request } from 'undici';
import type { RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  SWITCHBOARD_CALLBACK,
  authorize,
  callNv,
  clientAssertion,
  exchange,
  follow,
  jwtClaims,
  obtainToken,
  startInstance,
  switchboardAtB,
  tokenRequest,
} from '../test-support/sandbox-fixture.js';

const devices: DeviceBrowser[] = [];
const device = (address: string) => {
  const d = new DeviceBrowser(address);
  devices.push(d);
  return d;
};
afterAll(() => Promise.all(devices.map((d) => d.close())));

describe('authorization server, sandbox-b (dpv-hash scope style, private_key_jwt)', () => {
  const LI_SCOPE = 'openid dpv:RequestedServiceProvision#number-verification-verify-read';
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startInstance('sandbox-b');
  });
  afterAll(() => sandbox.close());

  it('authenticates the client with private_key_jwt and answers NV v0 for 127.20.1.2', async () => {
    const tokens = await obtainToken(device('127.20.1.2'), sandbox, switchboardAtB, {
      redirectUri: SWITCHBOARD_CALLBACK,
      scope: LI_SCOPE,
    });
    expect(tokens.scope).toBe('dpv:RequestedServiceProvision#number-verification-verify-read');
    const res = await callNv(sandbox.url, '/number-verification/v0/verify', {
      token: String(tokens.access_token),
      body: JSON.stringify({ phoneNumber: '+491700001002' }),
    });
    expect(res.json).toEqual({ devicePhoneNumberVerified: true });
  });

  it('refuses client_secret_basic for a private_key_jwt client and an assertion living over 300 s', async () => {
    const outcome = await authorize(device('127.20.1.3'), sandbox.url, {
      clientId: 'switchboard',
      redirectUri: SWITCHBOARD_CALLBACK,
      scope: LI_SCOPE,
    });
    if (outcome.kind !== 'redirect') throw new Error('expected a redirect');
    const params = {
      grant_type: 'authorization_code',
      code: outcome.params.get('code')!,
      redirect_uri: SWITCHBOARD_CALLBACK,
      code_verifier: outcome.verifier,
    };
    const basic = await tokenRequest(
      sandbox.url,
      { method: 'basic', clientId: 'switchboard', secret: 'x'.repeat(20) },
      params,
    );
    expect(basic.json.error).toBe('invalid_client');
    const longLived = await clientAssertion(sandbox.url, 'switchboard', switchboardAtB.jwk, '600s');
    const res = await request(`${sandbox.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...params,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: longLived,
      }).toString(),
    });
    expect(res.statusCode).toBe(401);
    expect(((await res.body.json()) as Record<string, unknown>).error).toBe('invalid_client');
  });

  it('accepts a signed request object (ICM)', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const requestObject = await new SignJWT({
      client_id: 'switchboard',
      response_type: 'code',
      redirect_uri: SWITCHBOARD_CALLBACK,
      scope: LI_SCOPE,
      state: 'jar-state',
      nonce: randomUUID(),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })
      .setProtectedHeader({
        alg: 'ES256',
        kid: switchboardAtB.jwk.kid!,
        typ: 'oauth-authz-req+jwt',
      })
      .setIssuer('switchboard')
      .setAudience(sandbox.url)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(await importJWK(switchboardAtB.jwk, 'ES256'));
    const query = new URLSearchParams({
      client_id: 'switchboard',
      response_type: 'code',
      scope: 'openid',
      request: requestObject,
    });
    const outcome = await follow(
      device('127.20.1.4'),
      sandbox.url,
      `${sandbox.url}/auth?${query}`,
      SWITCHBOARD_CALLBACK,
      verifier,
    );
    if (outcome.kind !== 'redirect') throw new Error('expected a redirect');
    expect(outcome.params.get('state')).toBe('jar-state');
    const tokens = await exchange(
      sandbox.url,
      switchboardAtB,
      outcome.params.get('code')!,
      SWITCHBOARD_CALLBACK,
      verifier,
    );
    expect(jwtClaims(tokens.id_token).amr).toEqual(['nbma']);
  });
});
