import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importJWK, SignJWT, type JWK } from 'jose';
import { request } from 'undici';
import {
  loadSandboxConfig,
  parseInstanceConfig,
  startSandbox,
  type RunningSandbox,
  type SandboxDeps,
} from '../src/index.js';
import type { DeviceBrowser } from './device-browser.js';

const configFile = (name: string) =>
  fileURLToPath(new URL(`../../../config/${name}`, import.meta.url));

export const SANDBOX_CONFIG = loadSandboxConfig(configFile('sandbox.json'));
export const DEMO_KEYS = JSON.parse(
  readFileSync(configFile('demo-operator-keys.json'), 'utf8'),
) as {
  'sandbox-a': { clientId: string; privateJwk: JWK };
  'sandbox-b': { clientId: string; privateJwk: JWK };
};

export const FRAUD = 'dpv:FraudPreventionAndDetection';
export const TESTER_CALLBACK = 'http://127.0.0.1:3999/callback';
export const SWITCHBOARD_CALLBACK = 'http://127.0.0.1:3000/operator-callback';

/** A configured instance on an ephemeral port, with test overrides, re-validated. */
export async function startInstance(
  id: string,
  overrides: Record<string, unknown> = {},
  deps: SandboxDeps = {},
): Promise<RunningSandbox> {
  const base = SANDBOX_CONFIG.instances.find((i) => i.id === id);
  if (!base) throw new Error(`no instance ${id}`);
  return startSandbox(
    parseInstanceConfig({ ...structuredClone(base), port: 0, ...overrides }),
    deps,
  );
}

export type ClientAuth =
  | { readonly method: 'basic'; readonly clientId: string; readonly secret: string }
  | { readonly method: 'private_key_jwt'; readonly clientId: string; readonly jwk: JWK };

export const testerAt = (instanceId: 'sandbox-a' | 'sandbox-b'): ClientAuth => {
  const client = SANDBOX_CONFIG.instances
    .find((i) => i.id === instanceId)!
    .clients.find((c) => c.clientId === 'sandbox-tester')!;
  return { method: 'basic', clientId: client.clientId, secret: client.clientSecret! };
};

export const switchboardAtA = {
  method: 'private_key_jwt',
  clientId: 'switchboard',
  jwk: DEMO_KEYS['sandbox-a'].privateJwk,
} satisfies ClientAuth;
export const switchboardAtB = {
  method: 'private_key_jwt',
  clientId: 'switchboard',
  jwk: DEMO_KEYS['sandbox-b'].privateJwk,
} satisfies ClientAuth;

export interface AuthorizeOptions {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly prompt?: string;
  readonly extra?: Record<string, string>;
}

export function authorizationRequest(
  issuer: string,
  o: AuthorizeOptions,
): { url: string; verifier: string; state: string } {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomUUID();
  const params = new URLSearchParams({
    client_id: o.clientId,
    redirect_uri: o.redirectUri,
    response_type: 'code',
    scope: o.scope,
    state,
    nonce: randomUUID(),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(o.prompt ? { prompt: o.prompt } : {}),
    ...o.extra,
  });
  return { url: `${issuer}/auth?${params}`, verifier, state };
}

export type AuthorizationOutcome =
  | {
      readonly kind: 'redirect';
      readonly params: URLSearchParams;
      readonly verifier: string;
      readonly state: string;
    }
  | {
      readonly kind: 'page';
      readonly status: number;
      readonly html: string;
      readonly url: string;
      readonly verifier: string;
    };

/** Runs the browser part of the flow until the operator redirects to the client or shows a page. */
export async function authorize(
  device: DeviceBrowser,
  issuer: string,
  o: AuthorizeOptions,
): Promise<AuthorizationOutcome> {
  const { url, verifier, state } = authorizationRequest(issuer, o);
  return follow(device, issuer, url, o.redirectUri, verifier, state);
}

export async function follow(
  device: DeviceBrowser,
  issuer: string,
  url: string,
  redirectUri: string,
  verifier: string,
  state = '',
) {
  const { response, url: last } = await device.navigate(url, new URL(issuer).origin);
  if (response.location?.startsWith(redirectUri)) {
    return {
      kind: 'redirect',
      params: new URL(response.location).searchParams,
      verifier,
      state,
    } as const;
  }
  return {
    kind: 'page',
    status: response.status,
    html: response.text,
    url: last,
    verifier,
  } as const;
}

/** Posts the consent form found in `html` with the given decision (and optionally a forged token). */
export async function decide(
  device: DeviceBrowser,
  issuer: string,
  html: string,
  decision: 'approve' | 'deny',
  csrf?: string,
) {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !token) throw new Error('no consent form on the page');
  return device.postForm(`${issuer}${action}`, { csrf: csrf ?? token, decision });
}

export async function tokenRequest(
  issuer: string,
  auth: ClientAuth,
  params: Record<string, string>,
) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = new URLSearchParams(params);
  if (auth.method === 'basic') {
    const credentials = `${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.secret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  } else {
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set('client_assertion', await clientAssertion(issuer, auth.clientId, auth.jwk));
  }
  const res = await request(`${issuer}/token`, { method: 'POST', headers, body: form.toString() });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

export async function clientAssertion(
  issuer: string,
  clientId: string,
  jwk: JWK,
  lifetime = '60s',
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid! })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(issuer)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(lifetime)
    .sign(await importJWK(jwk, 'ES256'));
}

/** The whole flow for a device: authorize, then exchange the code. Expects no consent page. */
export async function obtainToken(
  device: DeviceBrowser,
  sandbox: RunningSandbox,
  auth: ClientAuth,
  o: Omit<AuthorizeOptions, 'clientId'>,
): Promise<Record<string, unknown>> {
  const outcome = await authorize(device, sandbox.url, { ...o, clientId: auth.clientId });
  if (outcome.kind !== 'redirect' || !outcome.params.get('code')) {
    throw new Error(
      `no code: ${outcome.kind === 'redirect' ? outcome.params.toString() : outcome.status}`,
    );
  }
  return exchange(sandbox.url, auth, outcome.params.get('code')!, o.redirectUri, outcome.verifier);
}

export async function exchange(
  issuer: string,
  auth: ClientAuth,
  code: string,
  redirectUri: string,
  verifier: string,
) {
  const { status, json } = await tokenRequest(issuer, auth, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  if (status !== 200) throw new Error(`token endpoint ${status}: ${JSON.stringify(json)}`);
  return json;
}

export interface NvResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: Record<string, unknown> | undefined;
}

/** A CAMARA NV call from a backend (the API is not source-address sensitive). */
export async function callNv(
  issuer: string,
  path: string,
  o: {
    token?: string;
    body?: string;
    method?: 'GET' | 'POST' | 'PUT';
    headers?: Record<string, string>;
  } = {},
): Promise<NvResponse> {
  const headers: Record<string, string> = {
    ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
    ...o.headers,
  };
  if (
    o.body !== undefined &&
    !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
  ) {
    headers['content-type'] = 'application/json';
  }
  const method = o.method ?? (path.endsWith('/verify') ? 'POST' : 'GET');
  const res = await request(`${issuer}${path}`, {
    method,
    headers,
    ...(o.body === undefined ? {} : { body: o.body }),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

/** Decodes a JWT payload without verifying it (the test asserts claims only). */
export function jwtClaims(jwt: unknown): Record<string, unknown> {
  return JSON.parse(
    Buffer.from(String(jwt).split('.')[1]!, 'base64url').toString('utf8'),
  ) as Record<string, unknown>;
}
