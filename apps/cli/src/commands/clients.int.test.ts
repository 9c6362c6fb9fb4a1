import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HARNESS_START_MS, startHarness, type Harness } from '../../test-support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, HARNESS_START_MS);
afterAll(() => h.stop());

const json = async (...argv: string[]) => {
  const run = await h.cli('--json', ...argv);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as Record<string, unknown> & { client: { id: string } };
};

describe('switchboard clients and keys', () => {
  it('adds an app with a generated key, printing the private key once and storing only the public key', async () => {
    const run = await h.cli(
      'clients',
      'add',
      '--name',
      'Demo bank',
      '--redirect-uri',
      'https://bank.example/cb',
      '--generate-key',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/private key \(shown once/);
    const id = /^id\s+(\S+)/m.exec(run.stdout)![1]!;
    const shown = await json('clients', 'show', id);
    expect(shown).toMatchObject({ authMethod: 'private_key_jwt', status: 'active' });
    expect(JSON.stringify(shown)).not.toMatch(/"d":/);
  });

  it('adds from a JWKS file, updates, disables and removes', async () => {
    const created = await json(
      'clients',
      'add',
      '--name',
      'Key app',
      '--redirect-uri',
      'https://a.example/cb',
      '--generate-key',
    );
    const jwks = { keys: [(await json('clients', 'show', created.client.id)).jwks as unknown] };
    const file = path.join(h.dataDir, 'jwks.json');
    fs.writeFileSync(file, JSON.stringify(jwks.keys[0] as object));
    const fromFile = await json(
      'clients',
      'add',
      '--name',
      'Shop',
      '--redirect-uri',
      'https://shop.example/cb',
      '--jwks-file',
      file,
    );
    expect(fromFile.privateJwk).toBeUndefined();
    const id = fromFile.client.id;
    const updated = await json(
      'clients',
      'update',
      id,
      '--redirect-uri',
      'https://shop.example/cb2',
      '--redirect-uri',
      'https://shop.example/cb3',
    );
    expect(updated.redirectUris).toEqual(['https://shop.example/cb2', 'https://shop.example/cb3']);
    expect((await json('clients', 'disable', id)).status).toBe('disabled');
    expect(await h.cli('clients', 'remove', id)).toMatchObject({ code: 0, stderr: '' });
    const gone = await h.cli('clients', 'show', id);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/unknown client/);
  });

  it('rotates a client secret, and refuses bad input with exit 2', async () => {
    const created = await json(
      'clients',
      'add',
      '--name',
      'Legacy',
      '--redirect-uri',
      'https://l.example/cb',
      '--secret',
    );
    expect(String(created.clientSecret)).toMatch(/^sbsec_/);
    const rotated = await json('clients', 'rotate-secret', created.client.id);
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    const bad = await h.cli(
      'clients',
      'add',
      '--name',
      'x',
      '--redirect-uri',
      'http://evil.example/cb',
      '--secret',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/redirectUris/);
    const none = await h.cli(
      'clients',
      'add',
      '--name',
      'x',
      '--redirect-uri',
      'https://x.example/cb',
    );
    expect(none.code).toBe(2);
    const list = await h.cli('clients', 'list');
    expect(list.stdout).toMatch(/Legacy\s+active\s+client_secret_basic/);
  });

  it('no per-app scope allow-list: clients add|update --scopes set the API scopes an app may request, shown by show and list', async () => {
    const SHARE = 'number-verification:device-phone-number:read';
    const plain = await json(
      'clients',
      'add',
      '--name',
      'Verify only',
      '--redirect-uri',
      'https://v.example/cb',
      '--secret',
    );
    expect((plain.client as { allowedScopes?: string[] }).allowedScopes).toEqual([
      'number-verification:verify',
      'number-verification-verify-read',
    ]);
    const shared = await json(
      'clients',
      'add',
      '--name',
      'Shares',
      '--redirect-uri',
      'https://s.example/cb',
      '--secret',
      '--scopes',
      `number-verification:verify,${SHARE}`,
    );
    const id = shared.client.id;
    expect(await json('clients', 'show', id)).toMatchObject({
      allowedScopes: ['number-verification:verify', SHARE],
    });
    const shown = await h.cli('clients', 'show', id);
    expect(shown.stdout).toMatch(
      new RegExp(`allowed scopes\\s+number-verification:verify ${SHARE}`),
    );
    const updated = await json(
      'clients',
      'update',
      id,
      '--scopes',
      'number-verification-verify-read',
    );
    expect(updated.allowedScopes).toEqual(['number-verification-verify-read']);
    const list = await h.cli('clients', 'list');
    expect(list.stdout).toMatch(/SCOPES/);
    expect(list.stdout).toMatch(/Shares\s+active.*\snumber-verification-verify-read$/m);
    const none = await json('clients', 'update', id, '--scopes', '');
    expect(none.allowedScopes).toEqual([]);
    expect((await h.cli('clients', 'show', id)).stdout).toMatch(/allowed scopes\s+\(none\)/);
    const unknown = await h.cli('clients', 'update', id, '--scopes', 'openid,email');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/allowedScopes/);
    const machine = await h.cli(
      'clients',
      'add',
      '--name',
      'Finder',
      '--telco-finder',
      '--secret',
      '--scopes',
      SHARE,
    );
    expect(machine.code).toBe(2);
    expect(machine.stderr).toMatch(/client_credentials client requests no CAMARA API scopes/);
    const help = await h.cli('clients', 'update', '--help');
    expect(help.stdout).toMatch(/--scopes <scopes>/);
    expect(help.stdout).toMatch(/clients update sb-123 --scopes/);
  });

  it('adds a backend client (ICM CIBA, JWT-bearer) with a key, trusts and untrusts its tel: subjects', async () => {
    const created = await json(
      'clients',
      'add',
      '--name',
      'Fraud engine',
      '--backend',
      '--generate-key',
      '--scopes',
      'sim-swap:check,kyc-match:match',
    );
    expect(Object.keys(created).sort()).toEqual(['client', 'privateJwk']);
    expect(created.client).toMatchObject({
      grantType: 'backend',
      authMethod: 'private_key_jwt',
      redirectUris: [],
      allowedScopes: ['sim-swap:check', 'kyc-match:match'],
      trustTelSubject: false,
    });
    const id = created.client.id;
    expect((await h.cli('clients', 'show', id)).stdout).toMatch(
      /grant\s+backend\ntel subject\s+not trusted/,
    );
    expect((await json('clients', 'update', id, '--trust-tel-subject')).trustTelSubject).toBe(true);
    expect((await h.cli('clients', 'list')).stdout).toMatch(
      /Fraud engine\s+active\s+private_key_jwt\s+backend\s+trusted\s/,
    );
    const untrusted = await json('clients', 'update', id, '--no-trust-tel-subject');
    expect(untrusted.trustTelSubject).toBe(false);

    const jwks = { keys: [(await json('clients', 'show', id)).jwks as unknown] };
    const file = path.join(h.dataDir, 'backend-jwks.json');
    fs.writeFileSync(file, JSON.stringify(jwks.keys[0] as object));
    const trusted = await json(
      'clients',
      'add',
      '--name',
      'Call centre',
      '--backend',
      '--jwks-file',
      file,
      '--trust-tel-subject',
      '--scopes',
      'sim-swap:check',
    );
    expect(trusted.privateJwk).toBeUndefined();
    expect(trusted.client).toMatchObject({ grantType: 'backend', trustTelSubject: true });
  });

  it.each([
    [
      ['--redirect-uri', 'https://b.example/cb', '--generate-key'],
      /--backend does not take --redirect-uri/,
    ],
    [['--telco-finder', '--generate-key'], /--backend does not take --telco-finder/],
    [
      ['--secret'],
      /--backend does not take --secret \(a backend client authenticates with private_key_jwt/,
    ],
    [[], /--backend: give exactly one of --jwks-file, --generate-key/],
  ])('refuses clients add --backend %j with a clear message and exit 2', async (extra, message) => {
    const run = await h.cli('clients', 'add', '--name', 'Bad backend', '--backend', ...extra);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('refuses --trust-tel-subject for a client that is not a backend client', async () => {
    const add = await h.cli(
      'clients',
      'add',
      '--name',
      'App',
      '--redirect-uri',
      'https://app.example/cb',
      '--generate-key',
      '--trust-tel-subject',
    );
    expect(add.code).toBe(2);
    expect(add.stderr).toMatch(/--trust-tel-subject is for --backend clients/);
    const app = await json(
      'clients',
      'add',
      '--name',
      'App',
      '--redirect-uri',
      'https://app.example/cb',
      '--generate-key',
    );
    expect((await h.cli('clients', 'show', app.client.id)).stdout).toMatch(/tel subject\s+-/);
    const update = await h.cli('clients', 'update', app.client.id, '--trust-tel-subject');
    expect(update.code).not.toBe(0);
    expect(update.stderr).toMatch(/not a backend client/);
    const help = await h.cli('clients', 'add', '--help');
    expect(help.stdout).toMatch(/--backend/);
    expect(help.stdout).toMatch(/--trust-tel-subject/);
    expect(help.stdout).toMatch(/cc-jwks\.json \\\n\s+--trust-tel-subject/);
  });

  it('rotates and retires token keys; the last token key cannot be retired', async () => {
    const before = (await h.cli('--json', 'keys', 'list')).stdout;
    const first = (JSON.parse(before) as Array<{ kid: string; use: string }>).find(
      (k) => k.use === 'token-encryption',
    )!;
    const lonely = await h.cli('keys', 'retire', first.kid);
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toMatch(/only token key/);
    const rotated = await h.cli('keys', 'rotate');
    expect(rotated.stdout).toMatch(/is now current/);
    const early = await h.cli('keys', 'retire', first.kid);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(
      /may still be in use for \d+ s .*retire it then, or force it \(force: true; CLI: --force\)/,
    );
    expect((await h.cli('keys', 'retire', first.kid, '--force')).code).toBe(0);
    expect((await h.cli('keys', 'list')).stdout).toMatch(
      new RegExp(`${first.kid}\\s+token-encryption\\s+retired`),
    );
  });
});

describe('ICM signed request objects (issue 15, point 2): a per-client setting requires signed requests', () => {
  it('clients add|update --require-signed-request sets and clears it, shown in --json and show', async () => {
    const created = await json(
      'clients',
      'add',
      '--name',
      'Signing bank',
      '--redirect-uri',
      'https://signing.example/cb',
      '--generate-key',
      '--require-signed-request',
    );
    expect(created.client).toMatchObject({ requireSignedRequestObject: true });
    const id = created.client.id;
    expect((await h.cli('clients', 'show', id)).stdout).toMatch(/signed requests\s+required/);
    const relaxed = await json('clients', 'update', id, '--no-require-signed-request');
    expect(relaxed.requireSignedRequestObject).toBe(false);
    expect((await h.cli('clients', 'show', id)).stdout).toMatch(/signed requests\s+optional/);
    expect(
      (await json('clients', 'update', id, '--require-signed-request')).requireSignedRequestObject,
    ).toBe(true);
  });

  it.each([
    [['--redirect-uri', 'https://s.example/cb', '--secret'], /--require-signed-request.*keys/],
    [['--telco-finder', '--secret'], /--require-signed-request.*keys/],
    [['--backend', '--generate-key'], /--backend does not take --require-signed-request/],
  ])('refuses --require-signed-request with %j', async (flags, message) => {
    const run = await h.cli('clients', 'add', '--name', 'X', ...flags, '--require-signed-request');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });

  it('refuses to require signed requests of a client with a secret (409 INCOMPATIBLE_STATE)', async () => {
    const secret = await json(
      'clients',
      'add',
      '--name',
      'Secret app',
      '--redirect-uri',
      'https://secret.example/cb',
      '--secret',
    );
    const run = await h.cli('clients', 'update', secret.client.id, '--require-signed-request');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/signs no request objects/);
  });
});

describe('switchboard clients: operator-token audiences (issue 14)', () => {
  const HASH = '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU';
  const HASH_2 = 'ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs';

  it('adds a backend client with origins and APK key hashes; update replaces, --no-… clears; show and --json print them', async () => {
    const created = await json(
      'clients',
      'add',
      '--name',
      'Shop app',
      '--backend',
      '--generate-key',
      '--allowed-origin',
      'https://Shop.example',
      '--allowed-origin',
      'http://localhost:5173',
      '--apk-key-hash',
      HASH,
    );
    expect(created.client).toMatchObject({
      allowedOrigins: ['https://shop.example', 'http://localhost:5173'],
      apkKeyHashes: [HASH],
    });
    const id = created.client.id;
    expect((await h.cli('clients', 'show', id)).stdout).toMatch(
      new RegExp(
        `allowed origins\\s+https://shop\\.example http://localhost:5173\\napk key hashes\\s+${HASH}`,
      ),
    );
    const replaced = await json(
      'clients',
      'update',
      id,
      '--allowed-origin',
      'https://m.shop.example',
      '--apk-key-hash',
      HASH,
      '--apk-key-hash',
      HASH_2,
    );
    expect(replaced).toMatchObject({
      allowedOrigins: ['https://m.shop.example'],
      apkKeyHashes: [HASH, HASH_2],
    });
    const cleared = await json('clients', 'update', id, '--no-allowed-origins');
    expect(cleared).toMatchObject({ allowedOrigins: [], apkKeyHashes: [HASH, HASH_2] });
    const both = await json('clients', 'update', id, '--no-apk-key-hashes');
    expect(both).toMatchObject({ allowedOrigins: [], apkKeyHashes: [] });
    expect((await h.cli('clients', 'show', id)).stdout).toMatch(
      /allowed origins\s+\(none\)\napk key hashes\s+\(none\)/,
    );
  });

  it.each([
    [
      ['--allowed-origin', 'http://shop.example'],
      'allowedOrigins.0: must be an https origin (http only for localhost, 127.0.0.1 or [::1]) without user info',
    ],
    [
      ['--allowed-origin', 'https://shop.example/login'],
      'allowedOrigins.0: must be an origin scheme://host[:port], without path, query or fragment',
    ],
    [
      ['--apk-key-hash', 'abc'],
      'apkKeyHashes.0: must be the base64url (unpadded) SHA-256 of the APK signing key: 43 characters',
    ],
    [
      ['--allowed-origin', 'https://a.example', '--no-allowed-origins'],
      'give --allowed-origin or --no-allowed-origins, not both',
    ],
  ])('refuses clients update %j with exit 2 and a clear message', async (flags, message) => {
    const { client } = await json('clients', 'add', '--name', 'B', '--backend', '--generate-key');
    const run = await h.cli('clients', 'update', client.id, ...flags);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('keeps them to backend clients', async () => {
    const app = await h.cli(
      'clients',
      'add',
      '--name',
      'Web',
      '--redirect-uri',
      'https://w.example/cb',
      '--generate-key',
      '--apk-key-hash',
      HASH,
    );
    expect(app.code).toBe(2);
    expect(app.stderr).toMatch(/--allowed-origin and --apk-key-hash are for --backend clients/);
    const web = await json(
      'clients',
      'add',
      '--name',
      'Web',
      '--redirect-uri',
      'https://w.example/cb',
      '--generate-key',
    );
    const run = await h.cli(
      'clients',
      'update',
      web.client.id,
      '--allowed-origin',
      'https://w.example',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /is not a backend client: only a backend client exchanges operator tokens/,
    );
  });

  it('documents the flags in --help', async () => {
    const add = (await h.cli('clients', 'add', '--help')).stdout;
    expect(add).toMatch(/--allowed-origin <origin>/);
    expect(add).toMatch(/--apk-key-hash <hash>/);
    const update = (await h.cli('clients', 'update', '--help')).stdout;
    expect(update).toMatch(/--no-allowed-origins/);
    expect(update).toMatch(/--no-apk-key-hashes/);
    expect(update).toMatch(/Operator tokens \(CAMARA Number Verification/);
  });
});
