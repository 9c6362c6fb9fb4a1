import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { request } from 'undici';
import { CAMARA_APIS } from '@switchboard/camara';
import type { Database } from '@switchboard/db';
import {
  loadSandboxConfig,
  parseInstanceConfig,
  startSandbox,
  type RunningSandbox,
  type SandboxDeps,
} from '@switchboard/operator-sandbox';
import { startAggregator, type Aggregator, type AggregatorDeps } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/infra/logging.js';

const configFile = (name: string) =>
  fileURLToPath(new URL(`../../../config/${name}`, import.meta.url));
const DEMO_KEYS = JSON.parse(readFileSync(configFile('demo-operator-keys.json'), 'utf8')) as {
  'sandbox-a': { privateJwk: Record<string, unknown> };
  'sandbox-b': { privateJwk: Record<string, unknown> };
};

export const FRAUD = 'dpv:FraudPreventionAndDetection';
export const SERVICE = 'dpv:ServiceProvision';
export const APP_CALLBACK = 'http://127.0.0.1:3999/app-callback';
const ADMIN = { kind: 'admin', id: 'test' } as const;

/**
 * The deadlines of calls to operators, for aggregators in tests that are not about them: jest's
 * `testTimeout` (jest.config.ts). Their operators are sandboxes and stand-ins in the test's own
 * process, which answer at once or fail at once (a refused or bad port); only a starved machine
 * makes them slow, and a deadline that ran out then (OPERATOR_TIMEOUT_MS 2 s, once) turned a
 * working flow into `temporarily_unavailable`. At jest's limit no such call made in a test can
 * time out before jest itself gives up on the test, so the outcome never depends on the
 * machine's speed and a real hang still fails, as a jest timeout. The proxy's connect timeout
 * stays: undici lets a connection that is already made win over its timer. Tests of these
 * timeouts set short ones against a stand-in that does not answer.
 */
export const TEST_OPERATOR_DEADLINES: Readonly<Record<string, string>> = {
  // Discovery, JWKS, token, revocation, backend flows, Network Id, second-level finders.
  OPERATOR_TIMEOUT_MS: '30000',
  // The CAMARA proxy's wait for an operator's response headers and whole response.
  UPSTREAM_HEADERS_TIMEOUT_MS: '30000',
  UPSTREAM_RESPONSE_TIMEOUT_MS: '30000',
};

/**
 * One aggregator on its own ports; `issuer` makes it share another's identity, `env` adds
 * or overrides settings (e.g. RATE_LIMIT_*, SWITCHBOARD_MASTER_KEY).
 */
export async function startTestAggregator(
  database: Database,
  issuer?: string,
  env: Record<string, string> = {},
  deps: Pick<AggregatorDeps, 'drainWait'> = {},
) {
  const dataDir = path.join(os.tmpdir(), `sb-core-${randomBytes(4).toString('hex')}`);
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_PORT: '0',
    SHUTDOWN_GRACE_MS: '100',
    SWITCHBOARD_DATA_DIR: dataDir,
    ...TEST_OPERATOR_DEADLINES,
    // The minute's sweep of expired flow state deletes rows under a test that runs longer and
    // compares tables before and after a request (the fuzz suites' tableFingerprint): off here;
    // flow-state-sweep.int and flow-state-sweep.test cover the sweep and its schedule.
    FLOW_STATE_SWEEP_SECONDS: '0',
    ...(issuer ? { ISSUER: issuer } : {}),
    ...env,
  });
  return startAggregator(config, { logger: silentLogger, database, ...deps });
}

/**
 * Both sandboxes, registering the aggregator's callback as Switchboard's redirect URI; on free
 * ports, or on `ports` (a restarted operator comes back where it was, with a new signing key).
 */
export async function startSandboxes(
  issuer: string,
  ports: readonly number[] = [],
  deps: Pick<SandboxDeps, 'clock'> = {},
): Promise<RunningSandbox[]> {
  const base = loadSandboxConfig(configFile('sandbox.json'));
  return Promise.all(
    base.instances.map((instance, i) => {
      const clients = instance.clients.map((c) =>
        c.clientId === 'switchboard' ? { ...c, redirectUris: [`${issuer}/operator-callback`] } : c,
      );
      const port = ports[i] ?? 0;
      return startSandbox(parseInstanceConfig({ ...structuredClone(instance), clients, port }), {
        dataDir: null,
        ...deps,
      });
    }),
  );
}

/** Registers sandbox-a (secret, 127.10/16), sandbox-b (private_key_jwt, 127.20/16) and a dead operator (127.40/16). */
/** The sandboxes serve every API of the catalog: their supportedApis (enforced by the proxy). */
export const SANDBOX_APIS = [...new Set(CAMARA_APIS.map((api) => api.name))].map((name) => ({
  name,
  versions: CAMARA_APIS.filter((api) => api.name === name).map((api) => api.version),
}));

export async function registerOperators(agg: Aggregator, a: string, b: string): Promise<void> {
  const common = {
    country: 'ES',
    clientId: 'switchboard',
    allowInsecureHttp: true,
    supportedApis: SANDBOX_APIS,
  };
  await agg.operators.create(
    {
      ...common,
      id: 'sandbox-a',
      name: 'Sandbox Operator A',
      issuerUrl: a,
      apiRoot: a,
      credentials: { method: 'private_key_jwt', privateJwk: DEMO_KEYS['sandbox-a'].privateJwk },
      scopeStyle: 'camara',
    },
    ADMIN,
  );
  await agg.operators.create(
    {
      ...common,
      id: 'sandbox-b',
      name: 'Sandbox Operator B',
      country: 'DE',
      issuerUrl: b,
      apiRoot: b,
      credentials: { method: 'private_key_jwt', privateJwk: DEMO_KEYS['sandbox-b'].privateJwk },
      scopeStyle: 'dpv-hash',
    },
    ADMIN,
  );
  await agg.operators.create(
    {
      ...common,
      id: 'sandbox-down',
      name: 'Unreachable Operator',
      issuerUrl: 'http://127.0.0.1:9',
      apiRoot: 'http://127.0.0.1:9',
      credentials: { method: 'client_secret_basic', clientSecret: 'whatever-secret' },
    },
    ADMIN,
  );
  await agg.routes.addRanges('sandbox-a', ['127.10.0.0/16'], {}, ADMIN);
  await agg.routes.addRanges('sandbox-b', ['127.20.0.0/16'], {}, ADMIN);
  await agg.routes.addRanges('sandbox-down', ['127.40.0.0/16'], {}, ADMIN);
  await agg.index.refresh();
}

export type AppClient =
  { id: string; method: 'secret'; secret: string } | { id: string; method: 'key'; jwk: JWK };

/** Every NV scope of both versions: the test apps may call every operation. */
export const EVERY_NV_SCOPE = [
  'number-verification:verify',
  'number-verification:device-phone-number:read',
  'number-verification-verify-read',
  'number-verification-share-read',
];

export async function registerApp(
  agg: Aggregator,
  method: 'secret' | 'key',
  allowedScopes: readonly string[] = EVERY_NV_SCOPE,
): Promise<AppClient> {
  const created = await agg.clients.add({
    name: `Test app (${method})`,
    redirectUris: [APP_CALLBACK],
    allowedScopes,
    ...(method === 'secret'
      ? { authMethod: 'client_secret_basic' }
      : { authMethod: 'private_key_jwt', generateKey: true }),
  });
  return method === 'secret'
    ? { id: created.client.id, method, secret: created.clientSecret! }
    : { id: created.client.id, method, jwk: created.privateJwk! };
}

/** A telco finder client (GSMA OPG.10): client credentials, no redirect URIs. */
export async function registerFinderClient(
  agg: Aggregator,
): Promise<{ id: string; secret: string }> {
  const created = await agg.clients.add({
    name: 'Finder partner',
    grantType: 'client_credentials',
    authMethod: 'client_secret_basic',
  });
  return { id: created.client.id, secret: created.clientSecret! };
}

export interface AuthorizeRequest {
  url: string;
  state: string;
  verifier: string;
}

export function authorizeUrl(
  issuer: string,
  app: AppClient,
  o: { scope?: string; prompt?: string; redirectUri?: string } = {},
): AuthorizeRequest {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomUUID();
  const params = new URLSearchParams({
    client_id: app.id,
    response_type: 'code',
    redirect_uri: o.redirectUri ?? APP_CALLBACK,
    scope: o.scope ?? `openid ${FRAUD} number-verification:verify`,
    state,
    nonce: randomUUID(),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(o.prompt ? { prompt: o.prompt } : {}),
  });
  return { url: `${issuer}/auth?${params}`, state, verifier };
}

export interface RequestObjectOptions {
  /** Claims added to the object or replacing its own (`undefined` is sent as given). */
  readonly claims?: Record<string, unknown>;
  /** Claims or parameters left out of the object. */
  readonly omitClaims?: readonly string[];
  /** Query parameters added beside `request`, or replacing the outer ones. */
  readonly query?: Record<string, string>;
  /** Outer (query) parameters left out. */
  readonly omitQuery?: readonly string[];
  /** Signed with a key the client never registered. */
  readonly forgeSignature?: boolean;
}

/**
 * A signed request object as CAMARA ICM r4.2 profiles it ("Signed Authentication Requests"):
 * `iss`, `aud` (the issuer), `iat`, `exp`, `jti` and every parameter inside, with `scope`,
 * `response_type`, `client_id` and `redirect_uri` repeated in the query.
 */
export async function requestObjectUrl(
  issuer: string,
  app: Extract<AppClient, { method: 'key' }>,
  o: RequestObjectOptions = {},
): Promise<AuthorizeRequest> {
  const plain = authorizeUrl(issuer, app, { prompt: 'none' });
  const params = Object.fromEntries(new URL(plain.url).searchParams);
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    ...params,
    iss: app.id,
    aud: issuer,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...o.claims,
  };
  for (const name of o.omitClaims ?? []) delete claims[name];
  const key = o.forgeSignature
    ? (await generateKeyPair('ES256')).privateKey
    : await importJWK(app.jwk, 'ES256');
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: app.jwk.kid!, typ: 'oauth-authz-req+jwt' })
    .sign(key);
  const outer: Record<string, string> = {
    client_id: app.id,
    response_type: 'code',
    scope: params.scope!,
    redirect_uri: params.redirect_uri!,
    request: jwt,
    ...o.query,
  };
  for (const name of o.omitQuery ?? []) delete outer[name];
  return { ...plain, url: `${issuer}/auth?${new URLSearchParams(outer)}` };
}

/** The same request as a signed request object (ICM: must be supported). */
export async function signedAuthorizeUrl(
  issuer: string,
  app: Extract<AppClient, { method: 'key' }>,
  extra: Record<string, string> = {},
): Promise<AuthorizeRequest> {
  return requestObjectUrl(issuer, app, { claims: extra });
}

/** The app backend's token request (Annex step 18). */
export async function redeemCode(
  tokenUrl: string,
  issuer: string,
  app: AppClient,
  code: string,
  verifier: string,
) {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: APP_CALLBACK,
    code_verifier: verifier,
  });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (app.method === 'secret') {
    headers.authorization = `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}`;
  } else {
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set('client_assertion', await assertion(app, issuer));
  }
  const res = await request(tokenUrl, { method: 'POST', headers, body: form.toString() });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

/** A client-credentials token request (RFC 6749 §4.4) with HTTP Basic client authentication. */
export async function clientCredentialsToken(
  publicUrl: string,
  client: { id: string; secret: string },
  scope?: string,
) {
  const res = await request(`${publicUrl}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      ...(scope ? { scope } : {}),
    }).toString(),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

/** A finder client's `telco-finder` access token; throws when the token endpoint refuses. */
export async function finderToken(
  publicUrl: string,
  finder: { id: string; secret: string },
): Promise<string> {
  const { status, body } = await clientCredentialsToken(publicUrl, finder, 'telco-finder');
  if (status !== 200 || typeof body.access_token !== 'string')
    throw new Error(`finder token refused: ${status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A private_key_jwt client assertion (RFC 7523) of a key-authenticated client. */
export async function assertion(app: { id: string; jwk: JWK }, issuer: string) {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: app.jwk.kid! })
    .setIssuer(app.id)
    .setSubject(app.id)
    .setAudience(issuer)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(await importJWK(app.jwk, 'ES256'));
}
