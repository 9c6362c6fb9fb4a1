import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Logger } from '@switchboard/telco-finder';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { startAggregator, type Aggregator } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Resolve } from '../src/infra/egress/host-guard.js';
import {
  APP_CALLBACK,
  authorizeUrl,
  registerApp,
  TEST_OPERATOR_DEADLINES,
  type AppClient,
} from '../test-support/core-fixture.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import { callOperatorApi, operatorClient, operatorToken } from '../test-support/operator-client.js';
import { OPERATOR_TLS_CERT, OPERATOR_TLS_KEY, TEST_CA_CERT } from '../test-support/operator-tls.js';
import { startRecordingServer, type RecordingServer } from '../test-support/recording-server.js';

// Finding: an operator's discovery document could send Switchboard's credentials anywhere. The
// aggregator runs outside OPERATOR_DEV_MODE over real sockets. DNS is a table: the public
// address PUBLIC stands for the TLS operator listening on loopback (the egress's test route,
// applied after its guard), and internal.example resolves to loopback, where `internal`
// listens — the host that must never receive a request.
const PUBLIC = '93.184.215.14';
const DNS: Record<string, string[]> = {
  'auth.operator.example': [PUBLIC],
  'internal.example': ['127.0.0.1'],
};
const resolve: Resolve = (hostname, _options, callback) => {
  const addresses = DNS[hostname];
  if (!addresses)
    return callback(Object.assign(new Error(`no ${hostname}`), { code: 'ENOTFOUND' }), []);
  callback(
    null,
    addresses.map((address) => ({ address, family: 4 })),
  );
};
const ADMIN = { kind: 'admin', id: 'test' } as const;
const SANDBOX_SECRET = 'sandbox-x-client-secret-value';

let t: TestDatabase;
let agg: Aggregator;
let tlsOperator: RecordingServer;
let sandbox: RecordingServer;
let internal: RecordingServer;
let app: AppClient;
const logs: string[] = [];
const browsers: DeviceBrowser[] = [];
const record = (message: string, meta?: Record<string, unknown>) =>
  void logs.push(`${message} ${JSON.stringify(meta ?? {})}`);
const logger: Logger = { info: record, warn: record, error: record };

beforeAll(async () => {
  [tlsOperator, sandbox, internal] = await Promise.all([
    startRecordingServer({ key: OPERATOR_TLS_KEY, cert: OPERATOR_TLS_CERT }),
    startRecordingServer(),
    startRecordingServer(),
  ]);
  t = await createTestDatabase();
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_PORT: '0',
    SHUTDOWN_GRACE_MS: '100',
    SWITCHBOARD_DATA_DIR: path.join(os.tmpdir(), `sb-egress-${randomBytes(4).toString('hex')}`),
    ...TEST_OPERATOR_DEADLINES,
    OPERATOR_DISCOVERY_TTL_SECONDS: '0',
    ROUTING_SYNC_INTERVAL_SECONDS: '0',
  });
  const route = (address: string) => (address === PUBLIC ? '127.0.0.1' : address);
  agg = await startAggregator(config, {
    logger,
    database: t.db,
    network: { resolve, route, ca: TEST_CA_CERT },
  });
  const common = { country: 'ES', clientId: 'switchboard' } as const;
  await agg.operators.create(
    {
      ...common,
      id: 'tls-op',
      name: 'TLS Operator',
      issuerUrl: issuerAt('registered', {}),
      apiRoot: `https://auth.operator.example:${tlsOperator.port}/camara`,
      credentials: { method: 'client_secret_basic', clientSecret: 'tls-op-client-secret' },
    },
    ADMIN,
  );
  // A loopback sandbox an admin registered as insecure: its registered origin is vouched for.
  await agg.operators.create(
    {
      ...common,
      id: 'sandbox-x',
      name: 'Sandbox X',
      allowInsecureHttp: true,
      issuerUrl: sandbox.origin,
      apiRoot: sandbox.origin,
      credentials: { method: 'client_secret_basic', clientSecret: SANDBOX_SECRET },
    },
    ADMIN,
  );
  await agg.routes.addRanges('sandbox-x', ['127.70.0.0/16'], {}, ADMIN);
  await agg.index.refresh();
  sandbox.answer('/token', { error: 'invalid_grant' }, 400);
  app = await registerApp(agg, 'secret');
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await agg.stop();
  await Promise.all([tlsOperator, sandbox, internal].map((s) => s.close()));
  await t.destroy();
});

/** Serves OpenID Provider metadata for the issuer `https://auth.operator.example:<port>/<name>`. */
function issuerAt(name: string, members: Record<string, unknown>): string {
  const issuer = `https://auth.operator.example:${tlsOperator.port}/${name}`;
  tlsOperator.answer(`/${name}/.well-known/openid-configuration`, {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    ...members,
  });
  return issuer;
}

describe('operator discovery document naming an internal host, through the operator API (outside dev mode)', () => {
  let token: string;
  beforeAll(async () => {
    token = await operatorToken(agg, await operatorClient(agg, 'tls-op'));
  });

  it.each([
    ['token_endpoint', 'https://169.254.169.254/token', '169.254.169.254'],
    ['token_endpoint', 'https://[fd00::1]/token', '[fd00::1]'],
    ['jwks_uri', 'https://localhost./jwks', 'localhost.'],
    ['revocation_endpoint', 'https://[::ffff:10.0.0.1]/revoke', '[::ffff:a00:1]'],
    ['userinfo_endpoint', 'https://[::a9fe:a9fe]/userinfo', '[::a9fe:a9fe]'],
    ['introspection_endpoint', 'https://10.0.0.8/introspect', '10.0.0.8'],
    ['end_session_endpoint', 'https://192.168.1.1/logout', '192.168.1.1'],
    ['pushed_authorization_request_endpoint', 'https://100.64.0.1/par', '100.64.0.1'],
    ['backchannel_authentication_endpoint', 'https://127.0.0.1/ciba', '127.0.0.1'],
    ['authorization_endpoint', 'https://172.16.0.1/authorize', '172.16.0.1'],
  ])(
    'refuses an issuer whose %s is %s with 400 naming it; nothing changes',
    async (member, url, host) => {
      const name = `${member}-${host.replace(/\W/g, '')}`;
      const issuer = issuerAt(name, { [member]: url });
      const before = await agg.operators.get('tls-op');
      const seen = tlsOperator.requests.length;
      const r = await callOperatorApi(agg, token, 'PATCH', 'tls-op', { issuerUrl: issuer });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(r.json.message).toBe(
        `issuerUrl: the discovery document at ${issuer}/.well-known/openid-configuration: ${member} ${url}: ${host} is a loopback or private host (allowed only with OPERATOR_DEV_MODE)`,
      );
      expect(await agg.operators.get('tls-op')).toEqual(before);
      // Only the discovery document was fetched.
      expect(tlsOperator.requests.slice(seen).map((q) => q.path)).toEqual([
        `/${name}/.well-known/openid-configuration`,
      ]);
    },
  );

  it('refuses an mTLS alias (RFC 8705) or a plain-http member the same way', async () => {
    const cases = [
      [
        { mtls_endpoint_aliases: { token_endpoint: 'https://10.1.2.3/token' } },
        'mtls_endpoint_aliases.token_endpoint https://10.1.2.3/token: 10.1.2.3 is a loopback or private host (allowed only with OPERATOR_DEV_MODE)',
      ],
      [
        { token_endpoint: 'http://auth.operator.example/token' },
        'token_endpoint http://auth.operator.example/token must be an https URL',
      ],
    ] as const;
    for (const [i, [members, says]] of cases.entries()) {
      const issuer = issuerAt(`other-${i}`, members);
      const r = await callOperatorApi(agg, token, 'PATCH', 'tls-op', { issuerUrl: issuer });
      expect(r.status).toBe(400);
      expect(r.json.message).toBe(
        `issuerUrl: the discovery document at ${issuer}/.well-known/openid-configuration: ${says}`,
      );
    }
  });

  it('accepts an issuer whose discovery document names only public https URLs', async () => {
    const issuer = issuerAt('clean', { revocation_endpoint: 'https://auth.operator.example/r' });
    const r = await callOperatorApi(agg, token, 'PATCH', 'tls-op', { issuerUrl: issuer });
    expect(r.status).toBe(200);
    expect((await agg.operators.get('tls-op')).issuerUrl).toBe(issuer);
  });
});

describe('operator discovery document naming an internal token endpoint at flow time', () => {
  function discovery(tokenEndpoint: string) {
    sandbox.answer('/.well-known/openid-configuration', {
      issuer: sandbox.origin,
      authorization_endpoint: `${sandbox.origin}/authorize`,
      token_endpoint: tokenEndpoint,
      jwks_uri: `${sandbox.origin}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
  }

  /** Redirects inside the aggregator, until one leaves it. */
  async function leaveAggregator(browser: DeviceBrowser, url: string): Promise<URL> {
    let page = await browser.get(url);
    for (let hop = 0; hop < 20 && page.location?.startsWith(agg.publicUrl); hop += 1)
      page = await browser.get(page.location);
    if (!page.location) throw new Error(`no redirect: ${page.status} ${page.text.slice(0, 200)}`);
    return new URL(page.location);
  }

  /** The device's round trip; the operator "answers" with a code, as a real one would. */
  async function flow(device: string) {
    const browser = new DeviceBrowser(device);
    browsers.push(browser);
    let at = await leaveAggregator(browser, authorizeUrl(agg.issuer, app, { prompt: 'none' }).url);
    const reachedOperator = at.href.startsWith(`${sandbox.origin}/authorize`);
    if (reachedOperator) {
      const state = at.searchParams.get('state') ?? '';
      const back = `${agg.publicUrl}/operator-callback?state=${state}&code=operator-code`;
      at = await leaveAggregator(browser, back);
    }
    expect(at.href.startsWith(APP_CALLBACK)).toBe(true);
    return {
      reachedOperator,
      error: at.searchParams.get('error'),
      code: at.searchParams.get('code'),
    };
  }

  it('sends the code exchange, with the client secret, to a token endpoint at the vouched origin', async () => {
    discovery(`${sandbox.origin}/token`);
    const result = await flow('127.70.0.1');
    expect(result).toMatchObject({ reachedOperator: true, error: 'server_error', code: null });
    const exchange = sandbox.requests.filter((q) => q.path === '/token');
    expect(exchange).toHaveLength(1);
    // RFC 6749 §2.3.1: both halves are form-urlencoded before base64.
    const basic = (exchange[0]!.authorization ?? '').replace(/^Basic /, '');
    const pair = Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent);
    expect(pair).toEqual(['switchboard', SANDBOX_SECRET]);
    expect(exchange[0]!.body).toMatch(/code=operator-code/);
  });

  it('a token endpoint whose name resolves to an internal host: the flow fails and the host receives nothing', async () => {
    const tokensBefore = sandbox.requests.filter((q) => q.path === '/token').length;
    discovery(`http://internal.example:${internal.port}/token`);
    const result = await flow('127.70.0.2');
    expect(internal.requests).toEqual([]);
    expect(result.reachedOperator).toBe(true);
    expect(result.error).toEqual(expect.any(String));
    expect(result.code).toBeNull();
    expect(sandbox.requests.filter((q) => q.path === '/token')).toHaveLength(tokensBefore);
    expect(logs.join('\n')).toContain(
      `http://internal.example:${internal.port}/token: internal.example resolves to 127.0.0.1, a loopback or private address`,
    );
  });

  it('a token endpoint naming an internal address: refused at discovery, before the device is sent anywhere', async () => {
    const literal = `http://127.0.0.1:${internal.port}/token`;
    discovery(literal);
    const result = await flow('127.70.0.3');
    expect(internal.requests).toEqual([]);
    expect(result).toMatchObject({
      reachedOperator: false,
      error: 'temporarily_unavailable',
      code: null,
    });
    expect(logs.join('\n')).toContain(
      `the discovery document of operator sandbox-x: token_endpoint ${literal}: 127.0.0.1 is a loopback or private host`,
    );
  });
});
