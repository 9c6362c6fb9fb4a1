import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { importJWK, SignJWT } from 'jose';
import type { RunningSandbox } from '../src/index.js';
import {
  SWITCHBOARD_KEYS,
  backchannelAuthorize,
  poll,
  startInstance,
  switchboardAtB,
} from '../test-support/index.js';

// CAMARA ICM "Client-Initiated Backchannel Authentication Flow", "Authentication Request":
// the operator MUST support signed authentication requests (CIBA Core §7.1.1) and MUST reject
// one whose `aud` is not associated with it. oidc-provider accepts the issuer as `aud` (ICM: MAY),
// not the backchannel endpoint URL (ICM: RECOMMENDED for clients); see the README.
const SERVICE = 'dpv:RequestedServiceProvision';
let b: RunningSandbox;

beforeAll(async () => {
  b = await startInstance('sandbox-b');
});
afterAll(() => b?.close());

async function signedRequest(aud: string, claims: Record<string, unknown>): Promise<string> {
  const jwk = SWITCHBOARD_KEYS['sandbox-b'];
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, jti: randomUUID(), nbf: now })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid! })
    .setIssuer('switchboard')
    .setAudience(aud)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(await importJWK(jwk, 'ES256'));
}

describe('CIBA signed authentication requests', () => {
  const claims = { login_hint: 'tel:+491700000008', scope: `openid ${SERVICE}#check-sim-swap` };

  it('accepts a request object whose aud is the issuer', async () => {
    const request = await signedRequest(b.url, claims);
    const started = await backchannelAuthorize(b.url, switchboardAtB, { request });
    expect(started.status).toBe(200);
    const tokens = await poll(b.url, switchboardAtB, String(started.json.auth_req_id));
    expect(tokens.status).toBe(200);
    expect(tokens.json.scope).toBe(`${SERVICE}#check-sim-swap`);
  });

  it('refuses a request object for another audience', async () => {
    const request = await signedRequest('https://elsewhere.example', claims);
    const res = await backchannelAuthorize(b.url, switchboardAtB, { request });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_request');
  });
});
