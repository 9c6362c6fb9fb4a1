import fs from 'node:fs';
import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HARNESS_START_MS, startHarness, type Harness } from '../test-support/harness.js';

let h: Harness;
let secretFile: string;

beforeAll(async () => {
  h = await startHarness();
  secretFile = path.join(h.dataDir, 'secret.txt');
  fs.writeFileSync(secretFile, 'sandbox-client-secret\n');
}, HARNESS_START_MS);
afterAll(() => h.stop());

const addOperator = (id: string, ...extra: string[]) =>
  h.cli(
    'operators',
    'add',
    '--id',
    id,
    '--name',
    `Op ${id}`,
    '--country',
    'es',
    '--issuer',
    `http://${id}.test`,
    '--api-root',
    `http://${id}.test/api`,
    '--client-id',
    'switchboard',
    '--client-secret-file',
    secretFile,
    '--insecure',
    ...extra,
  );

describe('switchboard CLI against a running aggregator', () => {
  it('adds, lists and shows operators, as tables and as JSON', async () => {
    expect((await addOperator('op-a')).code).toBe(0);
    expect((await addOperator('op-b', '--scope-style', 'dpv-hash')).code).toBe(0);
    const list = await h.cli('operators', 'list');
    expect(list.stdout).toMatch(/^ID\s+NAME/);
    expect(list.stdout).toMatch(/op-b\s+Op op-b\s+ES\s+active\s+client_secret_basic\s+dpv-hash/);
    const json = JSON.parse((await h.cli('operators', 'show', 'op-a', '--json')).stdout);
    expect(json).toMatchObject({
      id: 'op-a',
      country: 'ES',
      allowInsecureHttp: true,
      routes: { ranges: 0 },
    });
    // Its discovery document cannot be read here (op-a.test does not exist): unknown, not a failure.
    expect(json.backendFlows.error).toEqual(expect.stringContaining('discovery document'));
    expect(JSON.stringify(json)).not.toContain('sandbox-client-secret');
  });

  it('manages ranges and looks devices up (exit 3 when nothing matches)', async () => {
    expect((await h.cli('ranges', 'add', 'op-a', '10.1.0.0/16', '2001:db8::/32')).code).toBe(0);
    expect((await h.cli('ranges', 'add', 'op-b', '10.1.2.0/24', '--allow-overlap')).code).toBe(0);
    const hit = await h.cli('lookup', '10.1.2.3', '--json');
    expect(JSON.parse(hit.stdout)).toEqual({
      operatorId: 'op-b',
      operatorName: 'Op op-b',
      matched: { type: 'ip', value: '10.1.2.0/24' },
    });
    expect((await h.cli('lookup', '::ffff:10.1.9.9')).stdout).toMatch(/operator\s+op-a/);
    const miss = await h.cli('lookup', '192.0.2.1');
    expect(miss.code).toBe(3);
    expect(miss.stdout).toMatch(/no operator serves address 192\.0\.2\.1/);
    const listed = await h.cli('ranges', 'list', '--operator', 'op-a');
    expect(listed.stdout).toMatch(/op-a\s+10\.1\.0\.0\/16/);
    expect(listed.stdout).not.toMatch(/op-b/);
  });

  it('manages MSISDN prefixes and looks numbers up', async () => {
    expect((await h.cli('prefixes', 'add', 'op-a', '+3460')).code).toBe(0);
    expect((await h.cli('lookup', '+34600000001')).stdout).toMatch(/matched msisdn\s+\+3460/);
    expect((await h.cli('lookup', '+4915100000')).code).toBe(3);
  });

  it.each([
    [['ranges', 'add', 'op-a', '10.0.0.1/8'], /host bits set in '10\.0\.0\.1\/8'/],
    [['ranges', 'add', 'op-a', '300.1.1.0/24'], /invalid CIDR/],
    [['ranges', 'add', 'nobody', '192.0.2.0/24'], /unknown operator 'nobody'/],
    [['ranges', 'add', 'op-a', '10.1.2.0/25'], /overlaps 10\.1\.2\.0\/24 of operator 'op-b'/],
    [['prefixes', 'add', 'op-b', '+34x'], /prefix/i],
    [['lookup', '+34 600'], /malformed phone number/],
    [['ranges', 'import', '.'], /not a regular file: \./],
    [['clients', 'show', ''], /the client id must not be empty/],
    [['operators', 'remove', ' '], /the operator id must not be empty/],
    [['operators', 'credentials', ''], /the operator id must not be empty/],
    [['routing', 'sync', ' '], /the operator id must not be empty/],
    [['lookup', 'not-an-ip'], /malformed IP address 'not-an-ip'/],
    [['operators', 'add', '--id', 'X Y'], /required option/],
    [['operators', 'update', 'op-a'], /nothing to update/],
    [['frobnicate'], /unknown command/],
  ])('exits 2 with a one-line error for %j and writes nothing', async (argv, message) => {
    const before = (await h.cli('ranges', 'list', '--json')).stdout;
    const run = await h.cli(...(argv as string[]));
    expect(run.code).toBe(2);
    expect(run.stderr + run.stdout).toMatch(message);
    expect((await h.cli('ranges', 'list', '--json')).stdout).toBe(before);
  });

  it('imports a CSV file all or nothing, reporting line numbers', async () => {
    const bad = path.join(h.dataDir, 'bad.csv');
    fs.writeFileSync(
      bad,
      'operator_id,cidr\nop-a,172.16.0.0/16\nop-a,172.17.0.1/16\nop-z,172.18.0.0/16\n',
    );
    const failed = await h.cli('ranges', 'import', bad);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/line 3: host bits set/);
    expect((await h.cli('lookup', '172.16.0.1')).code).toBe(3);

    const good = path.join(h.dataDir, 'good.csv');
    fs.writeFileSync(good, 'op-a,172.16.0.0/16\nop-b,172.20.0.0/16\n');
    const ok = await h.cli('ranges', 'import', good, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ imported: 2, byOperator: { 'op-a': 1, 'op-b': 1 } });
    expect((await h.cli('lookup', '172.20.9.9')).stdout).toMatch(/op-b/);
  });

  it('disables and removes operators', async () => {
    expect((await h.cli('operators', 'disable', 'op-b')).code).toBe(0);
    expect((await h.cli('lookup', '10.1.2.3')).stdout).toMatch(/op-a/);
    const refused = await h.cli('operators', 'remove', 'op-b');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/still has 2 ranges/);
    expect((await h.cli('operators', 'remove', 'op-b', '--force')).code).toBe(0);
    expect((await h.cli('operators', 'show', 'op-b')).code).toBe(2);
  });

  it('says clearly when the admin API is unreachable or the token is wrong', async () => {
    const { main } = await import('./main.js');
    let stderr = '';
    const io = (env: NodeJS.ProcessEnv) => ({
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      env,
      cwd: h.dataDir,
    });
    expect(
      await main(
        ['operators', 'list'],
        io({
          SWITCHBOARD_ADMIN_URL: 'http://127.0.0.1:9',
          SWITCHBOARD_ADMIN_TOKEN: 'x'.repeat(30),
        }),
      ),
    ).toBe(1);
    expect(stderr).toMatch(/cannot reach the Switchboard admin API at http:\/\/127\.0\.0\.1:9/);
    stderr = '';
    expect(
      await main(
        ['operators', 'list'],
        io({
          SWITCHBOARD_ADMIN_URL: h.aggregator.adminUrl,
          SWITCHBOARD_ADMIN_TOKEN: 'y'.repeat(30),
        }),
      ),
    ).toBe(1);
    expect(stderr).toMatch(/refused the token/);
  });

  it('names each kind of route in the plural it takes in --help (no "prefixs")', async () => {
    const help = await h.cli('--help');
    expect(help.stdout).toMatch(/manage MSISDN prefixes that route devices to operators/);
    expect(help.stdout).toMatch(/manage IP ranges that route/);
    expect(help.stdout).not.toMatch(/prefixs/);
  });

  it('runs as the real `switchboard` binary, with --help', async () => {
    const bin = path.resolve('apps/cli/bin/switchboard.js');
    const help = spawnSync(process.execPath, [bin, 'ranges', 'import', '--help'], {
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Example:/);
    // Asynchronous: the aggregator answering this child lives in the test's own event loop.
    const run = await promisify(execFile)(process.execPath, [bin, 'lookup', '10.1.0.9', '--json'], {
      env: { ...process.env, ...h.env, NODE_OPTIONS: '' },
      cwd: h.dataDir,
      timeout: 20_000,
    });
    expect(JSON.parse(run.stdout).operatorId).toBe('op-a');
  });
});

describe('switchboard operators: operator tokens (issue 14)', () => {
  const NEEDS =
    'operatorToken: an operator offering operator tokens needs at least one Android carrier id';

  it('adds and updates carrier ids and the operator-token switch; show, list and --json print them', async () => {
    const added = await addOperator('op-ot', '--carrier-ids', '90001, 90002', '--operator-token');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const shown = await h.cli('operators', 'show', 'op-ot');
    expect(shown.stdout).toMatch(/carrier ids\s+90001,90002\noperator token\s+offered/);
    expect(JSON.parse((await h.cli('--json', 'operators', 'show', 'op-ot')).stdout)).toMatchObject({
      carrierIds: [90001, 90002],
      operatorToken: true,
    });
    expect((await h.cli('operators', 'list')).stdout).toMatch(
      /OPERATOR TOKEN[\s\S]*op-ot\s+Op op-ot\s+ES\s+active\s+client_secret_basic\s+camara\s+90001,90002\s/,
    );
    const updated = await h.cli('--json', 'operators', 'update', 'op-ot', '--carrier-ids', '1839');
    expect(JSON.parse(updated.stdout)).toMatchObject({ carrierIds: [1839], operatorToken: true });
    const off = await h.cli('--json', 'operators', 'update', 'op-ot', '--no-operator-token');
    expect(JSON.parse(off.stdout)).toMatchObject({ carrierIds: [1839], operatorToken: false });
    const cleared = await h.cli('--json', 'operators', 'update', 'op-ot', '--carrier-ids', '');
    expect(JSON.parse(cleared.stdout)).toMatchObject({ carrierIds: [], operatorToken: false });
    expect((await h.cli('operators', 'show', 'op-ot')).stdout).toMatch(
      /carrier ids\s+\(none\)\noperator token\s+not offered/,
    );
    // Without the flags an operator offers none.
    expect((await addOperator('op-no-ot')).code).toBe(0);
    expect(
      JSON.parse((await h.cli('--json', 'operators', 'show', 'op-no-ot')).stdout),
    ).toMatchObject({ carrierIds: [], operatorToken: false });
  });

  it.each([
    [['--operator-token'], NEEDS],
    [['--carrier-ids', '90001,x'], "--carrier-ids: 'x' is not an Android carrier id"],
    [['--carrier-ids', '-3'], "--carrier-ids: '-3' is not an Android carrier id"],
    [
      ['--carrier-ids', '2147483648'],
      'carrierIds.0: must be an Android carrier id, at most 2147483647',
    ],
    [['--carrier-ids', '7,7'], 'carrierIds.1: carrier id 7 is listed twice'],
  ])('refuses operators update %j with exit 2 and a clear message', async (flags, message) => {
    const run = await h.cli('operators', 'update', 'op-no-ot', ...flags);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('documents the flags in --help', async () => {
    for (const verb of ['add', 'update']) {
      const help = (await h.cli('operators', verb, '--help')).stdout;
      expect(help).toMatch(/--carrier-ids <ids>/);
      expect(help).toMatch(/--operator-token/);
      expect(help).toMatch(/--no-operator-token/);
      expect(help).toMatch(/Operator tokens \(CAMARA Number Verification/);
    }
  });
});
