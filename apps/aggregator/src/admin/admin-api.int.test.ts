import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { startAggregator, type Aggregator } from '../app.js';
import { loadConfig } from '../config.js';
import { silentLogger } from '../infra/logging.js';

let t: TestDatabase;
let agg: Aggregator;
let dataDir: string;
let token: string;

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-admin-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_PORT: '0',
    SWITCHBOARD_DATA_DIR: dataDir,
    SHUTDOWN_GRACE_MS: '100',
  });
  agg = await startAggregator(config, { logger: silentLogger, database: t.db });
  token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
});
afterAll(async () => {
  await agg.stop();
  await t.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const admin = (p: string, init: RequestInit = {}, bearer: string | null = token) =>
  fetch(`${agg.adminUrl}/admin/v1${p}`, {
    ...init,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });

describe('admin API', () => {
  it('writes the generated admin token once, mode 0600, and stores only its hash', async () => {
    const stat = fs.statSync(path.join(dataDir, 'admin-token'));
    expect(stat.mode & 0o777).toBe(0o600);
    const rows = await t.db.knex('admin_tokens').select('token_hash');
    expect(rows.length).toBe(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('refuses requests without a valid token with a CAMARA-shaped 401', async () => {
    for (const bearer of [null, 'wrong-token-wrong-token-wrong', 'short']) {
      const res = await admin('/operators', {}, bearer);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('answers malformed JSON, unknown endpoints and bad fields with clear errors', async () => {
    const bad = await admin('/operators', {
      method: 'POST',
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: 'request body is not valid JSON',
    });
    // Found by the fuzz suite: a NUL byte in an id failed the query with a 500.
    const nul = await admin('/operators/%00', { method: 'DELETE' });
    expect(nul.status).toBe(404);
    expect(await nul.json()).toMatchObject({ code: 'NOT_FOUND' });
    // Found by the fuzz suite as well: listings and revocations by a NUL operator id, and a
    // NUL byte in an approval's note, were 500s.
    for (const [path, status] of [
      ['/overlaps?operator=%00', 200],
      ['/audit?operator=%00', 200],
      ['/operators/%00/credentials', 404],
    ] as const)
      expect([path, (await admin(path)).status]).toEqual([path, status]);
    const approvals = [
      [{ operatorId: '\u0000', values: ['11.0.0.0/8'] }, '/overlaps/revoke', 404],
      [{ operatorId: 'op-1', values: ['11.0.0.0/8'], note: 'a\u0000b' }, '/overlaps', 400],
    ] as const;
    for (const [body, path, status] of approvals) {
      const res = await admin(path, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      expect([path, res.status]).toEqual([path, status]);
    }
    const missing = await admin('/nothing-here');
    expect(missing.status).toBe(404);
    const fields = await admin('/operators', {
      method: 'POST',
      body: JSON.stringify({ id: 'Bad Id' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(fields.status).toBe(400);
    const body = (await fields.json()) as { message: string; details: Array<{ field: string }> };
    expect(body.message).toMatch(/^id: /);
    expect(body.details.map((d) => d.field)).toEqual(
      expect.arrayContaining(['name', 'country', 'issuerUrl']),
    );
  });

  it('never returns operator credentials', async () => {
    const created = await admin('/operators', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'op-x',
        name: 'X',
        country: 'es',
        issuerUrl: 'https://x.example',
        apiRoot: 'https://x.example/api',
        clientId: 'sb',
        credentials: { method: 'client_secret_basic', clientSecret: 'super-secret-value' },
      }),
    });
    expect(created.status).toBe(201);
    const texts = [
      await created.text(),
      await (await admin('/operators/op-x')).text(),
      await (await admin('/operators')).text(),
    ];
    for (const text of texts) expect(text).not.toContain('super-secret-value');
  });

  it('Commonalities r4.4: 409 CONFLICT is replaced by ALREADY_EXISTS or INCOMPATIBLE_STATE', async () => {
    const post = (p: string, body: unknown) =>
      admin(p, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const operator = {
      id: 'op-c409',
      name: 'C',
      country: 'es',
      issuerUrl: 'https://c409.example',
      apiRoot: 'https://c409.example/api',
      clientId: 'sb',
      credentials: { method: 'client_secret_basic', clientSecret: 'c409-secret-value' },
    };
    expect((await post('/operators', operator)).status).toBe(201);
    const duplicate = await post('/operators', operator);
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    expect((await post('/ranges', { operatorId: 'op-c409', cidrs: ['89.64.0.0/16'] })).status).toBe(
      201,
    );
    expect((await post('/operators', { ...operator, id: 'op-d409' })).status).toBe(201);
    const held = await post('/ranges', { operatorId: 'op-d409', cidrs: ['89.64.0.0/16'] });
    expect(held.status).toBe(409);
    expect(await held.json()).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    const inUse = await admin('/operators/op-c409', { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect(await inUse.json()).toMatchObject({ status: 409, code: 'INCOMPATIBLE_STATE' });
  });

  it('reports liveness and readiness on both ports', async () => {
    for (const base of [agg.publicUrl, agg.adminUrl]) {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
    }
    const admin = await fetch(`${agg.adminUrl}/ready`);
    expect(await admin.json()).toMatchObject({
      status: 'ready',
      database: true,
      index: { ready: true },
    });
  });

  it('public /ready exposes no routing-index statistics; the admin port does', async () => {
    const pub = await fetch(`${agg.publicUrl}/ready`);
    expect(await pub.json()).toEqual({ status: 'ready' });
    const admin = (await (await fetch(`${agg.adminUrl}/ready`)).json()) as Record<string, unknown>;
    expect(Object.keys(admin.index as object).length).toBeGreaterThan(1);
  });

  it('does not serve the admin API on the public port', async () => {
    const res = await fetch(`${agg.publicUrl}/admin/v1/operators`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(404);
  });
});

describe('no per-app scope allow-list: admins set the CAMARA API scopes each app may request', () => {
  const send = (method: string, p: string, body?: unknown) =>
    admin(p, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const app = { name: 'Scoped app', redirectUris: ['https://app.example/cb'], generateKey: true };
  const SHARE = 'number-verification:device-phone-number:read';

  it('gives a new app the verify operation only, unless the admin allows more', async () => {
    const plain = await send('POST', '/clients', app);
    expect(plain.status).toBe(201);
    const { client } = (await plain.json()) as { client: { id: string; allowedScopes: string[] } };
    expect(client.allowedScopes).toEqual([
      'number-verification:verify',
      'number-verification-verify-read',
    ]);
    const shared = await send('POST', '/clients', { ...app, allowedScopes: [SHARE] });
    expect(((await shared.json()) as { client: { allowedScopes: string[] } }).client).toMatchObject(
      { allowedScopes: [SHARE] },
    );
    const updated = await send('PATCH', `/clients/${client.id}`, {
      allowedScopes: [SHARE, 'number-verification:verify', SHARE],
    });
    expect(updated.status).toBe(200);
    // Each scope once, in a fixed order.
    expect((await updated.json()) as unknown).toMatchObject({
      allowedScopes: ['number-verification:verify', SHARE],
    });
    expect(await (await admin(`/clients/${client.id}`)).json()).toMatchObject({
      allowedScopes: ['number-verification:verify', SHARE],
    });
  });

  it('refuses unknown scopes, and scopes for a client_credentials client', async () => {
    for (const allowedScopes of [['openid'], ['dpv:FraudPreventionAndDetection'], 'x', [1]]) {
      const res = await send('POST', '/clients', { ...app, allowedScopes });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/^invalid client: allowedScopes/),
      });
    }
    const machine = {
      name: 'Finder',
      grantType: 'client_credentials',
      authMethod: 'client_secret_basic',
    };
    const refused = await send('POST', '/clients', { ...machine, allowedScopes: [SHARE] });
    expect(refused.status).toBe(400);
    const created = await send('POST', '/clients', machine);
    const { client } = (await created.json()) as {
      client: { id: string; allowedScopes: string[] };
    };
    expect(client.allowedScopes).toEqual([]);
    const patched = await send('PATCH', `/clients/${client.id}`, { allowedScopes: [SHARE] });
    expect(patched.status).toBe(409);
  });
});

describe('ICM signed request objects (issue 15, point 2): a per-client setting requires signed requests', () => {
  const send = (method: string, p: string, body?: unknown) =>
    admin(p, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const app = { name: 'Signing app', redirectUris: ['https://sign.example/cb'], generateKey: true };

  it('POST and PATCH /clients set requireSignedRequestObject; every client view shows it', async () => {
    const created = await send('POST', '/clients', { ...app, requireSignedRequestObject: true });
    expect(created.status).toBe(201);
    const { client } = (await created.json()) as { client: { id: string } };
    expect(await (await admin(`/clients/${client.id}`)).json()).toMatchObject({
      requireSignedRequestObject: true,
    });
    const relaxed = await send('PATCH', `/clients/${client.id}`, {
      requireSignedRequestObject: false,
    });
    expect(await relaxed.json()).toMatchObject({ requireSignedRequestObject: false });
    const plain = await send('POST', '/clients', app);
    expect(((await plain.json()) as { client: unknown }).client).toMatchObject({
      requireSignedRequestObject: false,
    });
  });

  it('refuses it for a client that signs no request objects: 400 on create, 409 INCOMPATIBLE_STATE on update', async () => {
    for (const other of [
      { ...app, generateKey: false, authMethod: 'client_secret_basic' },
      { name: 'Finder', grantType: 'client_credentials', authMethod: 'client_secret_basic' },
      { name: 'Engine', grantType: 'backend', generateKey: true },
    ]) {
      const res = await send('POST', '/clients', { ...other, requireSignedRequestObject: true });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/^invalid client: requireSignedRequestObject/),
      });
    }
    const secret = await send('POST', '/clients', {
      ...app,
      generateKey: false,
      authMethod: 'client_secret_basic',
    });
    const { client } = (await secret.json()) as { client: { id: string } };
    const res = await send('PATCH', `/clients/${client.id}`, { requireSignedRequestObject: true });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'INCOMPATIBLE_STATE' });
  });
});

describe('operator tokens (issue 14): operators carry Android carrier ids, backend clients the audiences of their tokens', () => {
  const send = (method: string, p: string, body?: unknown) =>
    admin(p, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const operator = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    name: `Operator ${id}`,
    country: 'ES',
    issuerUrl: `https://${id}.example/auth`,
    apiRoot: `https://${id}.example/api`,
    clientId: 'switchboard',
    credentials: { method: 'client_secret_basic', clientSecret: 'a-long-client-secret' },
    ...extra,
  });
  const HASH = '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU';

  it('POST and PATCH /operators set carrierIds and operatorToken; views and the audit log show them', async () => {
    const created = await send(
      'POST',
      '/operators',
      operator('ot-admin-a', { carrierIds: [90001], operatorToken: true }),
    );
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ carrierIds: [90001], operatorToken: true });
    const plain = await send('POST', '/operators', operator('ot-admin-b'));
    expect(await plain.json()).toMatchObject({ carrierIds: [], operatorToken: false });
    const patched = await send('PATCH', '/operators/ot-admin-a', { carrierIds: [90001, 1839] });
    expect(patched.status).toBe(200);
    expect(await (await admin('/operators/ot-admin-a')).json()).toMatchObject({
      carrierIds: [90001, 1839],
      operatorToken: true,
    });
    const { items } = (await (await admin('/operators')).json()) as {
      items: Array<{ id: string; carrierIds: number[] }>;
    };
    expect(items.find((o) => o.id === 'ot-admin-a')?.carrierIds).toEqual([90001, 1839]);
    const audit = (await (await admin('/audit?operator=ot-admin-a')).json()) as {
      items: Array<{ action: string; detail: Record<string, unknown> }>;
    };
    expect(audit.items.find((e) => e.action === 'operator.update')?.detail).toMatchObject({
      changed: ['carrierIds'],
      before: { carrierIds: [90001], operatorToken: true },
      after: { carrierIds: [90001, 1839], operatorToken: true },
    });
    expect(audit.items.find((e) => e.action === 'operator.create')?.detail).toMatchObject({
      after: { carrierIds: [90001], operatorToken: true },
    });
  });

  it('refuses operator tokens without a carrier id, and bad carrier ids, with 400 naming the field', async () => {
    const none = await send('POST', '/operators', operator('ot-admin-c', { operatorToken: true }));
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message:
        'operatorToken: an operator offering operator tokens needs at least one Android carrier id',
    });
    const cleared = await send('PATCH', '/operators/ot-admin-a', { carrierIds: [] });
    expect(cleared.status).toBe(400);
    expect(await cleared.json()).toMatchObject({
      message:
        'operatorToken: an operator offering operator tokens needs at least one Android carrier id',
    });
    const big = await send('PATCH', '/operators/ot-admin-b', { carrierIds: [2 ** 31] });
    expect(await big.json()).toMatchObject({
      status: 400,
      message: 'carrierIds.0: must be an Android carrier id, at most 2147483647',
    });
  });

  it("POST and PATCH /clients set a backend client's allowedOrigins and apkKeyHashes; [] clears; other clients refuse them", async () => {
    const created = await send('POST', '/clients', {
      name: 'Shop backend',
      grantType: 'backend',
      generateKey: true,
      allowedOrigins: ['https://Shop.example:443'],
      apkKeyHashes: [HASH],
    });
    expect(created.status).toBe(201);
    const { client } = (await created.json()) as { client: { id: string } };
    expect(client).toMatchObject({
      allowedOrigins: ['https://shop.example'],
      apkKeyHashes: [HASH],
    });
    const patched = await send('PATCH', `/clients/${client.id}`, {
      allowedOrigins: ['http://localhost:5173', 'https://m.shop.example'],
      apkKeyHashes: [],
    });
    expect(await patched.json()).toMatchObject({
      allowedOrigins: ['http://localhost:5173', 'https://m.shop.example'],
      apkKeyHashes: [],
    });
    const bad = await send('PATCH', `/clients/${client.id}`, {
      allowedOrigins: ['http://shop.example'],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message:
        'invalid client: allowedOrigins.0: must be an https origin (http only for localhost, 127.0.0.1 or [::1]) without user info',
    });
    const app = await send('POST', '/clients', {
      name: 'Web app',
      redirectUris: ['https://app.example/cb'],
      generateKey: true,
    });
    const appId = ((await app.json()) as { client: { id: string } }).client.id;
    const refused = await send('PATCH', `/clients/${appId}`, { apkKeyHashes: [HASH] });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'INCOMPATIBLE_STATE' });
    expect(await (await admin(`/clients/${appId}`)).json()).toMatchObject({
      allowedOrigins: [],
      apkKeyHashes: [],
    });
  });
});
