import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HARNESS_START_MS, startHarness, type Harness } from '../test-support/harness.js';

let h: Harness;
let secretFile: string;

beforeAll(async () => {
  h = await startHarness();
  secretFile = path.join(h.dataDir, 'secret.txt');
  fs.writeFileSync(secretFile, 'sandbox-client-secret\n');
  const added = await h.cli(
    ...['operators', 'add', '--id', 'op-multi', '--name', 'Multi-brand', '--country', 'es'],
    ...['--issuer', 'http://op-multi.test', '--api-root', 'http://op-multi.test/api'],
    ...['--client-id', 'switchboard', '--client-secret-file', secretFile, '--insecure'],
  );
  expect(added.code).toBe(0);
}, HARNESS_START_MS);
afterAll(() => h.stop());

const FINDER = 'http://brands.op-multi.test/telco-finder/v1';

describe('GSMA OPG telco finder: dynamic routing rules in the admin CLI (OPG.10 Routing Rule Format)', () => {
  it('adds dynamic routes with --telco-finder, shown by lookup, as text and JSON', async () => {
    const added = await h.cli(
      ...['prefixes', 'add', 'op-multi', '+34612', '--telco-finder', FINDER, '--json'],
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({ added: ['34612'], telcoFinder: FINDER });
    const text = await h.cli('networks', 'add', 'op-multi', '21499', '--telco-finder', FINDER);
    expect(text.stdout).toMatch(
      `added 1 MCC-MNC network(s) to op-multi: 21499 (dynamic: asks ${FINDER})`,
    );
    expect(JSON.parse((await h.cli('lookup', '+34612000001', '--json')).stdout)).toEqual({
      operatorId: 'op-multi',
      operatorName: 'Multi-brand',
      matched: { type: 'msisdn', value: '+34612' },
      telcoFinder: FINDER,
    });
    expect((await h.cli('lookup', '+34612000001')).stdout).toMatch(
      /dynamic: asks\s+http:\/\/brands/,
    );
  });

  it('makes a dynamic route static when it is removed and added back without --telco-finder', async () => {
    expect(
      (await h.cli('prefixes', 'add', 'op-multi', '+34613', '--telco-finder', FINDER)).code,
    ).toBe(0);
    expect((await h.cli('prefixes', 'remove', '+34613')).code).toBe(0);
    expect((await h.cli('prefixes', 'add', 'op-multi', '+34613')).code).toBe(0);
    expect(JSON.parse((await h.cli('lookup', '+34613000001', '--json')).stdout)).not.toHaveProperty(
      'telcoFinder',
    );
  });

  it('refuses a telco finder that is not a URL, and a discovery URL without one', async () => {
    const bad = await h.cli('prefixes', 'add', 'op-multi', '+34614', '--telco-finder', 'brands');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/telcoFinder is not an http\(s\) URL/);
    const lonely = await h.cli(
      ...['prefixes', 'add', 'op-multi', '+34614'],
      ...['--auth-provider-configuration', 'http://op-multi.test/.well-known/openid-configuration'],
    );
    expect(lonely.code).not.toBe(0);
    expect(lonely.stderr).toMatch(/--auth-provider-configuration needs --telco-finder/);
    expect((await h.cli('lookup', '+34614000001')).code).toBe(3);
  });
});
