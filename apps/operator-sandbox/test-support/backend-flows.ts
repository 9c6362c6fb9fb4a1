import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { request } from 'undici';
import type { DeviceBrowser } from './device-browser.js';
import { DEMO_KEYS, clientAssertion, type ClientAuth } from './sandbox-fixture.js';

/** CAMARA ICM backend flows against a sandbox: CIBA poll mode and the JWT-bearer grant. */
export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface OAuthAnswer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/** A form POST to `path` with the client's authentication (Basic or private_key_jwt). */
export async function oauthPost(
  issuer: string,
  path: string,
  auth: ClientAuth | undefined,
  params: Record<string, string>,
  extraHeaders: Record<string, string> = {},
): Promise<OAuthAnswer> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    ...extraHeaders,
  };
  const form = new URLSearchParams(params);
  if (auth?.method === 'basic') {
    const credentials = `${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.secret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  } else if (auth) {
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set('client_assertion', await clientAssertion(issuer, auth.clientId, auth.jwk));
  }
  const res = await request(`${issuer}${path}`, { method: 'POST', headers, body: form.toString() });
  const text = await res.body.text();
  return { status: res.statusCode, json: JSON.parse(text) as Record<string, unknown> };
}

/** `POST /backchannel` (CIBA Core §7.1). */
export const backchannelAuthorize = (
  issuer: string,
  auth: ClientAuth,
  params: Record<string, string>,
) => oauthPost(issuer, '/backchannel', auth, params);

/** One poll of the token endpoint (CIBA Core §10.1). */
export const poll = (issuer: string, auth: ClientAuth, authReqId: string) =>
  oauthPost(issuer, '/token', auth, { grant_type: CIBA_GRANT, auth_req_id: authReqId });

/** Starts a CIBA request and returns its auth_req_id; fails the test on an error answer. */
export async function startBackchannel(
  issuer: string,
  auth: ClientAuth,
  loginHint: string,
  scope: string,
): Promise<string> {
  const res = await backchannelAuthorize(issuer, auth, { login_hint: loginHint, scope });
  if (res.status !== 200)
    throw new Error(`bc-authorize ${res.status}: ${JSON.stringify(res.json)}`);
  return String(res.json.auth_req_id);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Switchboard's private keys at the sandboxes (config/demo-operator-keys.json). */
export const SWITCHBOARD_KEYS: Readonly<Record<'sandbox-a' | 'sandbox-b', JWK>> = {
  'sandbox-a': DEMO_KEYS['sandbox-a'].privateJwk,
  'sandbox-b': DEMO_KEYS['sandbox-b'].privateJwk,
};

export interface AssertionOptions {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string;
  readonly scope?: string;
  readonly jti?: string;
  /** Seconds relative to now. */
  readonly iatOffset?: number;
  readonly expOffset?: number;
  readonly omit?: ReadonlyArray<'iat' | 'exp' | 'jti' | 'sub' | 'scope'>;
}

/** A JWT-bearer assertion (RFC 7523 §3, CAMARA ICM "JWT Bearer Flow") signed with `jwk`. */
export async function bearerAssertion(jwk: JWK, o: AssertionOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: o.iss ?? 'switchboard',
    sub: o.sub,
    aud: o.aud,
    scope: o.scope,
    jti: o.jti ?? randomUUID(),
    iat: now + (o.iatOffset ?? 0),
    exp: now + (o.expOffset ?? 60),
  };
  for (const name of o.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid! })
    .sign(await importJWK(jwk, 'ES256'));
}

/** The JWT-bearer grant with only grant_type + assertion (ICM: the assertion authenticates). */
export const jwtBearer = (
  issuer: string,
  assertion: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) =>
  oauthPost(
    issuer,
    '/token',
    undefined,
    { grant_type: JWT_BEARER_GRANT, assertion, ...extra },
    headers,
  );

/**
 * The subscriber opens the sandbox's consents page from the device (network authentication)
 * and answers the pending backchannel request on it.
 */
export async function answerConsentOnDevice(
  sandboxUrl: string,
  device: DeviceBrowser,
  decision: 'approve' | 'deny',
) {
  const page = await device.get(`${sandboxUrl}/consents`);
  if (page.status !== 200) throw new Error(`the consents page answered ${page.status}`);
  const action = /<form method="post" action="(\/consents\/requests\/[^"]+)"/.exec(page.text)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (!action || !csrf) throw new Error('no pending request on the consents page');
  return device.postForm(`${sandboxUrl}${action}`, { csrf, decision });
}
