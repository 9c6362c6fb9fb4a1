import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JWK } from 'jose';
import { createDatabase, type Database } from '@switchboard/db';
import {
  aggregatorTokenAudience,
  createSecretBox,
  createTokenKeyring,
  masterKeyId,
  readAggregatorAccessToken,
} from '@switchboard/tokens';
import { runCli } from '@switchboard/cli/test-support';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { createTelephonyPki, type Handset } from '@switchboard/handset';
import { SEALED_COLUMNS } from '../src/keys/master-key-rotation.js';
import { ephemeralKeyContext } from '../src/openid4vp/credential-request.js';
import { openId4VpKeyContext } from '../src/openid4vp/openid4vp-keys.js';
import {
  APP_ORIGIN,
  demoSims,
  exchangeOperatorToken,
  requestOperatorTokenCredential,
} from '../test-support/operator-token.js';
import type { BackendApp } from '../test-support/backend-client.js';
import {
  APP_CALLBACK,
  authorizeUrl,
  finderToken,
  redeemCode,
  type AppClient,
} from '../test-support/core-fixture.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import { createHandset } from '@switchboard/handset';
import { spawnApp, type SpawnedApp } from '../test-support/spawned-app.js';

// Secrets hygiene: a full run — the aggregator and the sandbox operators as real processes at
// debug level, admin work through the CLI, complete flows, proxy and telco-finder calls, and
// error paths — then every byte they logged is searched for the secrets and personal data of
// that run, by value and by pattern. The raw tables are searched too.
const MASTER = 'hygiene-master-key-0123456789abcdef-0001';
const PREVIOUS_MASTER = 'hygiene-previous-master-key-0123456789ab';
const ADMIN_TOKEN = 'hygiene-admin-token-0123456789abcdef';
const root = fileURLToPath(new URL('../../../', import.meta.url));
const demoKeys = JSON.parse(
  fs.readFileSync(path.join(root, 'config/demo-operator-keys.json'), 'utf8'),
) as { 'sandbox-a': { privateJwk: JWK }; 'sandbox-b': { privateJwk: JWK } };

/** Every secret or personal value of the run, with what it is. */
const secrets = new Map<string, string>();
const remember = (what: string, value: unknown) => {
  if (typeof value === 'string' && value.length >= 6) secrets.set(value, what);
};
const tokens: string[] = [];
const cliErrors: string[] = [];
const browsers: DeviceBrowser[] = [];
let t: TestDatabase;
let dir: string;
let aggregator: SpawnedApp;
let sandbox: SpawnedApp;
let issuer: string;
let adminUrl: string;
let sandboxUrls: string[];
let telephony: Awaited<ReturnType<typeof createTelephonyPki>>;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function sb(...argv: string[]) {
  const target = { adminUrl, adminToken: ADMIN_TOKEN, cwd: dir };
  const { code, stdout, stderr } = await runCli(target, [...argv, '--json']);
  cliErrors.push(stderr);
  return { code, stdout, json: JSON.parse(stdout || '{}') as CliJson };
}

/** The fields of `clients add | rotate-secret --json` this test reads. */
interface CliJson {
  client: { id: string };
  clientSecret: string;
  privateJwk: JWK;
}

async function startSandboxes(aggregatorPort: number): Promise<string[]> {
  const config = JSON.parse(fs.readFileSync(path.join(root, 'config/sandbox.json'), 'utf8'));
  for (const instance of config.instances) {
    instance.port = 0;
    for (const c of instance.clients)
      if (c.clientId === 'switchboard')
        c.redirectUris = [`http://127.0.0.1:${aggregatorPort}/operator-callback`];
  }
  const file = path.join(dir, 'sandbox.json');
  fs.writeFileSync(file, JSON.stringify(config));
  sandbox = spawnApp('apps/operator-sandbox/src/main.ts', { LOG_LEVEL: 'debug' }, [
    '--config',
    file,
    '--data-dir',
    'none',
  ]);
  await sandbox.waitFor(/sandbox ready[\s\S]*sandbox ready/);
  const ready = sandbox
    .output()
    .split('\n')
    .filter((l) => l.includes('sandbox ready'))
    .map((l) => JSON.parse(l) as { instance: string; url: string });
  return ['sandbox-a', 'sandbox-b'].map((id) => ready.find((r) => r.instance === id)!.url);
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-hygiene-'));
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  const [a, b] = await startSandboxes(port);
  sandboxUrls = [a!, b!];
  telephony = await createTelephonyPki('Hygiene Telephony');
  fs.writeFileSync(path.join(dir, 'telephony.pem'), telephony.rootPem);
  aggregator = spawnApp('apps/aggregator/src/main.ts', {
    DATABASE_URL: t.engine === 'postgres' ? t.url : `pglite:${path.join(dir, 'db')}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    ADMIN_PORT: '0',
    SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
    SWITCHBOARD_MASTER_KEY: MASTER,
    SWITCHBOARD_PREVIOUS_MASTER_KEYS: PREVIOUS_MASTER,
    SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'debug',
    SHUTDOWN_GRACE_MS: '100',
    RATE_LIMIT_FINDER_PER_IP: '3',
    OPENID4VP_TELEPHONY_TRUST_ANCHORS: path.join(dir, 'telephony.pem'),
  });
  adminUrl = (await aggregator.waitFor(/admin API\s+(http:\/\/\S+)/))[1]!;
  for (const [k, v] of [
    ['master key', MASTER],
    ['previous master key', PREVIOUS_MASTER],
    ['admin token', ADMIN_TOKEN],
    ["Switchboard's private key at sandbox-a (d)", demoKeys['sandbox-a'].privateJwk.d],
    ["Switchboard's private key at sandbox-b (d)", demoKeys['sandbox-b'].privateJwk.d],
  ])
    remember(k!, v);
  await adminWork(a!, b!);
}, 120_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await aggregator?.stop();
  await sandbox?.stop();
  await t.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

let secretApp: Extract<AppClient, { method: 'secret' }>;
let keyApp: Extract<AppClient, { method: 'key' }>;
let finder: { id: string; secret: string };
let otApp: BackendApp;

async function adminWork(a: string, b: string): Promise<void> {
  const secretFile = path.join(dir, 'a-secret');
  const aKeyFile = path.join(dir, 'a-key.json');
  const keyFile = path.join(dir, 'b-key.json');
  fs.writeFileSync(aKeyFile, JSON.stringify(demoKeys['sandbox-a'].privateJwk));
  fs.writeFileSync(keyFile, JSON.stringify(demoKeys['sandbox-b'].privateJwk));
  const common = ['--country', 'ES', '--client-id', 'switchboard', '--insecure'];
  const ok = async (...argv: string[]) => {
    const r = await sb(...argv);
    expect(r.code).toBe(0);
    return r;
  };
  await ok('operators', 'add', '--id', 'sandbox-a', '--name', 'A', '--issuer', a, '--api-root', a, '--private-key-file', aKeyFile, ...common); // prettier-ignore
  await ok('operators', 'add', '--id', 'sandbox-b', '--name', 'B', '--issuer', b, '--api-root', b, '--private-key-file', keyFile, '--scope-style', 'dpv-hash', ...common); // prettier-ignore
  await ok('ranges', 'add', 'sandbox-a', '127.10.0.0/16');
  await ok('ranges', 'add', 'sandbox-b', '127.20.0.0/16');
  // Error paths at operators: a wrong client secret (sandbox-a knows 127.0.0.1 as a
  // subscriber, so the token exchange is reached) and an unreachable issuer.
  fs.writeFileSync(secretFile, 'wrong-operator-secret-value');
  remember('a wrong operator client secret', 'wrong-operator-secret-value');
  await ok('operators', 'add', '--id', 'sandbox-wrong', '--name', 'W', '--issuer', a, '--api-root', a, '--client-secret-file', secretFile, ...common); // prettier-ignore
  await ok('operators', 'add', '--id', 'sandbox-down', '--name', 'D', '--issuer', 'http://127.0.0.1:9', '--api-root', 'http://127.0.0.1:9', '--client-secret-file', secretFile, ...common); // prettier-ignore
  await ok('ranges', 'add', 'sandbox-wrong', '127.0.0.1/32');
  await ok('ranges', 'add', 'sandbox-down', '127.40.0.0/16');
  await ok('prefixes', 'add', 'sandbox-a', '+3460');
  const created = await ok('clients', 'add', '--name', 'Bank', '--redirect-uri', APP_CALLBACK, '--secret'); // prettier-ignore
  remember('client secret (first)', created.json.clientSecret);
  const rotated = await ok('clients', 'rotate-secret', created.json.client.id);
  remember('client secret (rotated)', rotated.json.clientSecret);
  secretApp = { id: created.json.client.id, method: 'secret', secret: rotated.json.clientSecret };
  const keyed = await ok('clients', 'add', '--name', 'Shop', '--redirect-uri', APP_CALLBACK, '--generate-key'); // prettier-ignore
  remember("an app's private key (d)", keyed.json.privateJwk.d);
  keyApp = { id: keyed.json.client.id, method: 'key', jwk: keyed.json.privateJwk };
  const machine = await ok('clients', 'add', '--name', 'Finder', '--telco-finder', '--secret');
  remember('finder client secret', machine.json.clientSecret);
  finder = { id: machine.json.client.id, secret: machine.json.clientSecret };
  // The operator-token path: both operators offer it; a backend app with a web origin.
  await ok('operators', 'update', 'sandbox-a', '--carrier-ids', '90001', '--operator-token');
  await ok('operators', 'update', 'sandbox-b', '--carrier-ids', '90002', '--operator-token');
  await ok('networks', 'add', 'sandbox-a', '99901');
  await ok('networks', 'add', 'sandbox-b', '99902');
  const backend = await ok('clients', 'add', '--name', 'Shop backend', '--backend', '--generate-key', '--allowed-origin', APP_ORIGIN, '--scopes', 'number-verification:device-phone-number:read'); // prettier-ignore
  remember("a backend app's private key (d)", backend.json.privateJwk.d);
  otApp = { id: backend.json.client.id, jwk: backend.json.privateJwk };
  const shown = await ok('operators', 'show', 'sandbox-a');
  expect(shown.stdout).not.toContain(demoKeys['sandbox-a'].privateJwk.d);
  for (const argv of [
    ['keys', 'list'],
    ['keys', 'rotate'],
    ['keys', 'rotate-master'],
  ])
    await ok(...argv);
  await ok('lookup', '+34600100005');
  await ok('lookup', '127.10.0.5');
  expect((await sb('operators', 'add', '--id', 'sandbox-a', '--name', 'A', '--issuer', a, '--api-root', a, '--client-secret', 'cli-flag-secret-value', ...common)).code).toBe(2); // prettier-ignore
  remember('a secret given on the command line', 'cli-flag-secret-value');
}

/** A whole flow; `replay` then redeems the code again, which revokes the grant (RFC 6749 §4.1.2). */
async function flow(app: AppClient, device: string, scope?: string, replay = false) {
  const req = authorizeUrl(issuer, app, { prompt: 'none', ...(scope ? { scope } : {}) });
  const browser = new DeviceBrowser(device);
  browsers.push(browser);
  const { redirect } = await browser.follow(req.url, APP_CALLBACK);
  // 127.0.0.1 is also the servers' own address, in every URL: not a device address here.
  if (device !== '127.0.0.1') remember('device address', device);
  const code = redirect?.searchParams.get('code');
  if (!code) return { redirect, token: undefined };
  remember('authorization code', code);
  const res = await redeemCode(`${issuer}/token`, issuer, app, code, req.verifier);
  for (const key of ['access_token', 'id_token']) {
    remember(key, res.body[key]);
    if (key === 'access_token') tokens.push(String(res.body[key]));
  }
  if (replay) {
    const again = await redeemCode(`${issuer}/token`, issuer, app, code, req.verifier);
    expect(again.body.error).toBe('invalid_grant');
  }
  return { redirect, token: String(res.body.access_token) };
}

async function call(path: string, token: string | undefined, body?: unknown, headers = {}) {
  const res = await fetch(`${issuer}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('a full run', () => {
  it('verifies numbers through both operators and answers every error path', async () => {
    const msisdns = [
      '+346001000005',
      '+346001000006',
      '+491700001002',
      '+34600100005',
      '+346001000008',
    ];
    msisdns.forEach((n) => remember('MSISDN', n));
    const one = await flow(secretApp, '127.10.0.5');
    const v = '/number-verification/v2/verify';
    const replayed = await flow(secretApp, '127.10.0.8', undefined, true);
    // The operator token is revoked after the reuse is answered (RFC 6749 §4.1.2): wait for
    // the aggregator to say it is done rather than race it.
    await aggregator.waitFor(/grant revoked after authorization code reuse/);
    expect((await call(v, replayed.token, { phoneNumber: '+346001000008' })).status).toBe(401);
    expect((await call(v, one.token, { phoneNumber: msisdns[0] })).json).toEqual({
      devicePhoneNumberVerified: true,
    });
    expect((await call(v, one.token, { phoneNumber: msisdns[0] })).status).toBe(401);
    const two = await flow(keyApp, '127.20.1.2', 'openid dpv:IdentityVerification number-verification:verify'); // prettier-ignore
    expect((await call(v, two.token, { phoneNumber: msisdns[2] })).json).toEqual({
      devicePhoneNumberVerified: true,
    });
    const three = await flow(secretApp, '127.10.0.6');
    expect((await call(v, three.token, { phoneNumber: msisdns[1] }, { 'x-correlator': 'bad corr!' })).status).toBe(400); // prettier-ignore
    expect((await call(v, three.token, { phoneNumber: msisdns[1], extra: 1 })).status).toBe(400);
    expect((await call('/number-verification/v2/device-phone-number', three.token)).status).toBe(403); // prettier-ignore
    expect((await call(v, `${three.token!.slice(0, -4)}AAAA`, { phoneNumber: msisdns[1] })).status).toBe(401); // prettier-ignore
    expect((await call(v, undefined, { phoneNumber: msisdns[1] })).status).toBe(401);

    const nowhere = await flow(secretApp, '127.30.0.1');
    expect(nowhere.redirect?.searchParams.get('error')).toBe('access_denied');
    remember('MSISDN', '+34600000001');
    const refused = await flow(secretApp, '127.0.0.1');
    expect(refused.redirect?.searchParams.get('error')).toBeTruthy();
    const down = await flow(secretApp, '127.40.0.1');
    expect(down.redirect?.searchParams.get('error')).toBe('temporarily_unavailable');
    const wrongSecret = await redeemCode(`${issuer}/token`, issuer, { ...secretApp, secret: 'not-the-secret' }, 'code', 'verifier'); // prettier-ignore
    expect(wrongSecret.body.error).toBe('invalid_client');

    const finderBearer = await finderToken(issuer, finder);
    remember('telco-finder access token', finderBearer);
    const search = (target: unknown) => call('/telco-finder/v1/search', finderBearer, { target });
    expect((await search({ phoneNumber: msisdns[3] })).json).toEqual({ operatorId: 'sandbox-a' });
    expect((await search({ ipv4Address: { publicAddress: '127.10.0.5' } })).status).toBe(200);
    expect((await search({ phoneNumber: 'not a number' })).status).toBe(400);
    expect((await search({ phoneNumber: msisdns[3] })).status).toBe(429);

    // The operator-token path: an exchange through each operator, a refused one, and a
    // credential request left open (its ephemeral key stays sealed in the table).
    const at = { issuer, publicUrl: issuer };
    const root = JSON.parse((await sb('keys', 'openid4vp')).stdout) as {
      root: { fingerprint: string };
    };
    const handset: Handset = createHandset({
      telephony,
      sims: demoSims(sandboxUrls.map((url) => ({ url }))),
      allowlist: { '99901': [root.root.fingerprint], '99902': [root.root.fingerprint] },
      callerIdentity: APP_ORIGIN,
    });
    const dpn = 'dpv:ServiceProvision number-verification:device-phone-number:read';
    for (const [slot, number] of [
      [0, '+346001000005'],
      [1, '+491700000005'],
    ] as const) {
      const { credential, nonce } = await requestOperatorTokenCredential(at, otApp, { scope: dpn });
      remember('credential_authorization_jwt', credential.meta.credential_authorization_jwt);
      const sdJwt = await handset.present(credential, nonce, slot);
      remember('operator token (SD-JWT)', sdJwt);
      const exchanged = await exchangeOperatorToken(at, otApp, sdJwt, dpn);
      expect(exchanged.status).toBe(200);
      remember('access_token', exchanged.body.access_token);
      tokens.push(String(exchanged.body.access_token));
      remember('MSISDN', number);
      expect((await call('/number-verification/v2/device-phone-number', String(exchanged.body.access_token))).json).toEqual({ devicePhoneNumber: number }); // prettier-ignore
      const replay = await exchangeOperatorToken(at, otApp, sdJwt, dpn);
      expect(replay.body.error).toBe('invalid_grant');
    }
    await requestOperatorTokenCredential(at, otApp, { scope: dpn });
  }, 60_000);
});

describe('after the run', () => {
  let logs = '';
  let database: Database;

  beforeAll(async () => {
    await aggregator.stop();
    await sandbox.stop();
    logs = [aggregator.output(), sandbox.output(), ...cliErrors].join('\n');
    if (process.env.HYGIENE_LOG_FILE) fs.writeFileSync(process.env.HYGIENE_LOG_FILE, logs);
    database =
      t.engine === 'postgres' ? t.db : await createDatabase(`pglite:${path.join(dir, 'db')}`);
    await rememberStoredSecrets(database);
  }, 60_000);
  afterAll(async () => {
    if (database !== t.db) await database.close();
  });

  it('captured the logs of every part (the search below is not vacuous)', () => {
    for (const line of [
      'operator token obtained',
      'operator token exchange failed',
      'operator discovery failed',
      'oidc grant.error',
      'number verified',
      'sandbox ready',
      'switchboard: ',
    ])
      expect(logs).toContain(line);
    expect(secrets.size).toBeGreaterThan(25);
  });

  it('logged no secret, token, private key, MSISDN or device address of the run', () => {
    const leaks = [...secrets].filter(([value]) => logs.includes(value)).map(([, what]) => what);
    expect(leaks).toEqual([]);
  });

  it('logged nothing that looks like one', () => {
    const patterns: Array<[string, RegExp]> = [
      ['E.164 number', /\+[1-9][0-9]{7,14}/],
      [
        'JWE',
        /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
      ],
      ['JWS', /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
      ['private JWK', /"d"\s*:\s*"/],
      ['Authorization header', /(Bearer|Basic) [A-Za-z0-9+/_-]{8,}/],
      ['full device address', /127\.(10|20|30|40)\.[0-9]+\.[0-9]+/],
    ];
    expect(patterns.filter(([, p]) => p.test(logs)).map(([what]) => what)).toEqual([]);
  });

  it('stores every secret sealed under the master key, none in clear in any table', async () => {
    for (const spec of SEALED_COLUMNS) {
      const values = (await database
        .knex(spec.table)
        .whereNotNull(spec.column)
        .pluck(spec.column)) as string[];
      expect(values.length).toBeGreaterThan(0);
      for (const v of values)
        expect(v.split('.').slice(0, 2)).toEqual(['sb1', masterKeyId(MASTER)]);
    }
    const tables = (await database
      .knex('information_schema.tables')
      .where({ table_schema: 'public', table_type: 'BASE TABLE' })
      .pluck('table_name')) as string[];
    let dump = '';
    for (const table of tables) dump += JSON.stringify(await database.knex(table).select());
    const inClear = [...secrets]
      .filter(([value, what]) => !/MSISDN|device address/.test(what) && dump.includes(value))
      .map(([, what]) => what);
    expect(inClear).toEqual([]);
  });
});

/** Opens what the database holds: the aggregator's keys, and the operator tokens. */
async function rememberStoredSecrets(database: Database): Promise<void> {
  const box = createSecretBox([MASTER, PREVIOUS_MASTER]);
  const keys = (await database.knex('aggregator_keys').select()) as Array<Record<string, string>>;
  const ring: Array<{ kid: string; secret: Uint8Array }> = [];
  for (const k of keys) {
    const material = box.open(k.material_enc!, `aggregator-key:${k.kid}`);
    if (k.use === 'id-token-signing') remember('ID-token signing key (d)', JSON.parse(material).d);
    else remember(`aggregator ${k.use} key`, material);
    if (k.use === 'token-encryption')
      ring.push({ kid: k.kid!, secret: Buffer.from(material, 'base64url') });
  }
  for (const token of tokens) {
    const claims = await readAggregatorAccessToken(token, {
      keyring: createTokenKeyring(ring),
      issuer,
      audience: aggregatorTokenAudience(issuer),
    }).catch(() => undefined);
    remember('operator access token', claims?.operator_access_token);
  }
  for (const k of (await database.knex('openid4vp_keys').select()) as Array<Record<string, string>>)
    remember(
      `OpenID4VP ${k.role} private key`,
      box.open(k.private_key_enc!, openId4VpKeyContext(k.kid!)),
    );
  for (const r of (await database.knex('openid4vp_requests').select()) as Array<
    Record<string, string>
  >)
    remember(
      'ephemeral ECDH-ES private key (d)',
      JSON.parse(box.open(r.ephemeral_key_enc!, ephemeralKeyContext(r.id!, r.client_id!))).d,
    );
  const grants = (await database.knex('operator_grants').select()) as Array<Record<string, string>>;
  for (const g of grants)
    remember(
      'operator access token',
      box.open(g.access_token_enc!, `operator-token:${g.grant_id}`),
    );
}
