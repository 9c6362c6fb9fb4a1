import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { request } from 'undici';
import { API_SCOPES } from '@switchboard/camara';
import type { Aggregator } from '../src/app.js';
import { CIBA_GRANT, JWT_BEARER_GRANT } from '../src/authorize/grant-types.js';

/** A service provider's server using the ICM backend flows (CIBA poll, JWT-bearer). */
export interface BackendApp {
  readonly id: string;
  readonly jwk: JWK;
}

/** Where an aggregator process listens, and the issuer (shared by every process) it serves. */
export interface Endpoints {
  readonly issuer: string;
  readonly publicUrl: string;
}

export { CIBA_GRANT, JWT_BEARER_GRANT } from '../src/authorize/grant-types.js';

export async function registerBackendApp(
  agg: Aggregator,
  o: { trustTelSubject?: boolean; allowedScopes?: readonly string[] } = {},
): Promise<BackendApp> {
  const created = await agg.clients.add({
    name: 'Fraud engine',
    grantType: 'backend',
    generateKey: true,
    allowedScopes: o.allowedScopes ?? API_SCOPES,
    trustTelSubject: o.trustTelSubject ?? false,
  });
  return { id: created.client.id, jwk: created.privateJwk! };
}

/** private_key_jwt (RFC 7523 §2.2, ICM): `aud` the exact endpoint the request goes to. */
export async function clientAssertion(app: BackendApp, aud: string, extra: JWTPayload = {}) {
  return new SignJWT(extra)
    .setProtectedHeader({ alg: 'ES256', kid: app.jwk.kid! })
    .setIssuer(app.id)
    .setSubject(app.id)
    .setAudience(aud)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(await importJWK(app.jwk, 'ES256'));
}

export interface FormResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * `host`: the public host every aggregator process serves behind one load balancer (the
 * issuer's), which oidc-provider builds its endpoint URLs, the assertions' `aud`, from.
 */
export async function postForm(
  url: string,
  form: Record<string, string>,
  host?: string,
): Promise<FormResult> {
  const res = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(host ? { host } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.body.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.statusCode, body };
}

/** `POST /bc-authorize` (OIDC CIBA Core §7.1) with private_key_jwt. */
export async function bcAuthorize(
  at: Endpoints,
  app: BackendApp,
  params: Record<string, string>,
): Promise<FormResult> {
  return postForm(
    `${at.publicUrl}/bc-authorize`,
    {
      client_id: app.id,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(app, `${at.issuer}/bc-authorize`),
      ...params,
    },
    new URL(at.issuer).host,
  );
}

/** One CIBA poll of the token endpoint (CIBA Core §10.1). */
export async function pollToken(at: Endpoints, app: BackendApp, authReqId: string) {
  return postForm(
    `${at.publicUrl}/token`,
    {
      grant_type: CIBA_GRANT,
      auth_req_id: authReqId,
      client_id: app.id,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(app, `${at.issuer}/token`),
    },
    new URL(at.issuer).host,
  );
}

/**
 * Polls as a well-behaved client does: waits `interval` before each poll, 5 s more after a
 * `slow_down`, until an answer other than `authorization_pending`.
 */
export async function pollUntilDone(
  at: Endpoints | readonly Endpoints[],
  app: BackendApp,
  started: Record<string, unknown>,
  maxPolls = 30,
): Promise<FormResult> {
  let interval = Number(started.interval ?? 5);
  for (let i = 0; i < maxPolls; i++) {
    await new Promise((r) => setTimeout(r, interval * 1000 + 50));
    // Given several aggregator processes, the polls go to each in turn.
    const to = Array.isArray(at)
      ? (at as readonly Endpoints[])[i % (at as readonly Endpoints[]).length]!
      : (at as Endpoints);
    const res = await pollToken(to, app, String(started.auth_req_id));
    if (res.body.error === 'slow_down') interval += 5;
    else if (res.body.error !== 'authorization_pending') return res;
  }
  throw new Error(`still pending after ${maxPolls} polls`);
}

/** An ICM JWT-bearer assertion: iss = client, aud = the token endpoint, scope claim. */
export async function bearerAssertion(
  app: BackendApp,
  claims: {
    sub: string;
    scope?: string;
    aud: string;
    iat?: number;
    exp?: number;
    jti?: string;
    iss?: string;
    omit?: readonly string[];
  },
  key: JWK = app.jwk,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: claims.iss ?? app.id,
    sub: claims.sub,
    aud: claims.aud,
    iat: claims.iat ?? now,
    exp: claims.exp ?? now + 60,
    jti: claims.jti ?? randomUUID(),
    ...(claims.scope !== undefined ? { scope: claims.scope } : {}),
  };
  for (const name of claims.omit ?? []) delete payload[name];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid ?? app.jwk.kid! })
    .sign(await importJWK(key, 'ES256'));
}

export async function jwtBearer(
  at: Endpoints,
  assertion: string,
  extra: Record<string, string> = {},
) {
  return postForm(`${at.publicUrl}/token`, { grant_type: JWT_BEARER_GRANT, assertion, ...extra });
}
