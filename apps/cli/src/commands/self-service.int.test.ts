import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HARNESS_START_MS, startHarness, type Harness } from '../../test-support/harness.js';

// The admin side of operator self-service: operator API credentials, routing URL, help texts.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const secret = path.join(h.dataDir, 'secret.txt');
  fs.writeFileSync(secret, 'sandbox-client-secret\n');
  const add = await h.cli(
    'operators',
    'add',
    '--id',
    'op-x',
    '--name',
    'X',
    '--country',
    'ES',
    '--insecure',
    '--issuer',
    'http://op-x.test',
    '--api-root',
    'http://op-x.test',
    '--client-id',
    'switchboard',
    '--client-secret-file',
    secret,
  );
  expect(add.code).toBe(0);
}, HARNESS_START_MS);
afterAll(() => h.stop());

describe('switchboard operators credentials', () => {
  it('generates a private_key_jwt client bound to the operator, printing the key once', async () => {
    const run = await h.cli('operators', 'credentials', 'op-x', '--generate-key');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^client id\s+sb-\S+\noperator\s+op-x/);
    expect(run.stdout).toMatch(/private key \(shown once, give it to the operator\):\n\{.*"d":/);
    const list = await h.cli('--json', 'operators', 'credentials', 'op-x');
    const items = JSON.parse(list.stdout) as Array<{
      operatorId: string;
      grantType: string;
      authMethod: string;
    }>;
    expect(items).toEqual([
      expect.objectContaining({
        operatorId: 'op-x',
        grantType: 'client_credentials',
        authMethod: 'private_key_jwt',
      }),
    ]);
    expect(list.stdout).not.toMatch(/"d":/);
    const id = (JSON.parse(list.stdout) as Array<{ id: string }>)[0]!.id;
    expect((await h.cli('clients', 'show', id)).stdout).toMatch(/operator API of\s+op-x/);
  });

  it('takes the public keys from a JWKS file (or a single JWK)', async () => {
    const created = JSON.parse(
      (await h.cli('--json', 'operators', 'credentials', 'op-x', '--generate-key')).stdout,
    ) as {
      client: { jwks: { keys: unknown[] } };
    };
    const file = path.join(h.dataDir, 'jwk.json');
    fs.writeFileSync(file, JSON.stringify(created.client.jwks.keys[0]));
    const run = await h.cli(
      '--json',
      'operators',
      'credentials',
      'op-x',
      '--jwks-file',
      file,
      '--name',
      'ops team',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      client: { name: 'ops team', operatorId: 'op-x' },
    });
    expect(JSON.parse(run.stdout).privateJwk).toBeUndefined();
  });

  it('refuses an unknown operator, a private key, and both options at once', async () => {
    const unknown = await h.cli('operators', 'credentials', 'op-nope', '--generate-key');
    expect(unknown).toMatchObject({ code: 2, stderr: "switchboard: unknown operator 'op-nope'\n" });
    const priv = path.join(h.dataDir, 'private.json');
    fs.writeFileSync(
      priv,
      JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }] }),
    );
    expect((await h.cli('operators', 'credentials', 'op-x', '--jwks-file', priv)).stderr).toMatch(
      /never send a private key/,
    );
    expect(
      (await h.cli('operators', 'credentials', 'op-x', '--generate-key', '--jwks-file', priv)).code,
    ).toBe(2);
  });
});

describe('switchboard operators update --routing-url', () => {
  it('sets and clears the routing URL and the supported APIs; show reports the sync state', async () => {
    const url = 'http://127.0.0.1:9/telco-routing/v1/routing';
    const set = await h.cli(
      'operators',
      'update',
      'op-x',
      '--routing-url',
      url,
      '--supported-api',
      'number-verification:v2,v0',
    );
    expect(set.code).toBe(0);
    const added = await h.cli('ranges', 'add', 'op-x', '10.250.0.0/16');
    expect(added.code).toBe(2);
    expect(added.stderr).toContain(
      `operator 'op-x' publishes its routes in a routing table (${url}): the next routing sync makes its IP ranges exactly the table's and removes these`,
    );
    expect((await h.cli('ranges', 'list', '--operator', 'op-x')).stdout).not.toMatch(/10\.250/);
    expect((await h.cli('ranges', 'add', 'op-x', '10.250.0.0/16', '--force')).code).toBe(0);
    expect((await h.cli('ranges', 'remove', '10.250.0.0/16')).code).toBe(0);
    const shown = await h.cli('operators', 'show', 'op-x');
    expect(shown.stdout).toMatch(/supported apis\s+number-verification:v2,v0/);
    expect(shown.stdout).toMatch(
      new RegExp(`routing url\\s+${url}\\nrouting sync\\s+not synced yet`),
    );
    const sync = await h.cli('routing', 'sync', 'op-x');
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(
      /127\.0\.0\.1 is a loopback or private host \(allowed only with OPERATOR_DEV_MODE\)/,
    );
    expect((await h.cli('operators', 'show', 'op-x')).stdout).toMatch(
      /routing sync\s+failed[\s\S]*failures in a row\s+1/,
    );
    expect((await h.cli('operators', 'update', 'op-x', '--no-routing-url')).code).toBe(0);
    expect((await h.cli('--json', 'operators', 'show', 'op-x')).stdout).toMatch(
      /"routingUrl": null/,
    );
    const none = await h.cli('routing', 'sync', 'op-x');
    expect(none).toMatchObject({
      code: 2,
      stderr: "switchboard: operator 'op-x' has no routing URL\n",
    });
    expect((await h.cli('operators', 'update', 'op-x', '--supported-api', 'nv')).code).toBe(2);
  });
});

describe('help texts', () => {
  it.each([
    [['operators', 'credentials', '--help'], /scope=operator:manage/],
    [['overlaps', 'approve', '--help'], /switchboard overlaps approve es-mvno 88\.10\.0\.0\/16/],
    [['routing', 'sync', '--help'], /switchboard routing sync sandbox-a/],
    [['audit', '--help'], /switchboard audit --operator es-movistar --since 7d/],
  ])('%j shows examples', async (argv, example) => {
    const run = await h.cli(...argv);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(example);
  });
});
