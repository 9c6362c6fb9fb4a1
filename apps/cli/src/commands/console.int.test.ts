import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HARNESS_START_MS, startHarness, type Harness } from '../../test-support/harness.js';
import { runCli } from '../../test-support/run-cli.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, HARNESS_START_MS);
afterAll(() => h.stop());

describe('switchboard console', () => {
  it('prints a one-time sign-in link that opens a console session once', async () => {
    const run = await h.cli('console');
    expect(run.code).toBe(0);
    const url = /^(http:\/\/\S+\/console\/login\?code=[A-Za-z0-9_-]{43})$/m.exec(run.stdout)?.[1];
    expect(url).toBeDefined();
    expect(url!.startsWith(`${h.aggregator.adminUrl}/console/login?code=`)).toBe(true);
    expect(run.stdout).toMatch(/valid until \d{4}-\d\d-\d\dT/);
    const first = await fetch(url!, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = /^(sb_console=[^;]+)/.exec(first.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBeDefined();
    const session = await fetch(`${h.aggregator.adminUrl}/console/api/session`, {
      headers: { cookie: cookie! },
    });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ signedIn: true });
    expect((await fetch(url!, { redirect: 'manual' })).status).toBe(400);
  });

  it('answers --json with the url and its expiry', async () => {
    const run = await h.cli('console', '--json');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { url: string; expiresAt: string };
    expect(body.url).toMatch(/\/console\/login\?code=/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('explains itself in --help', async () => {
    const run = await h.cli('console', '--help');
    expect(run.stdout).toContain('one-time sign-in link');
    expect(run.stdout).toContain('/console');
  });

  it('fails clearly without a valid admin token', async () => {
    const run = await runCli(
      {
        adminUrl: h.aggregator.adminUrl,
        adminToken: 'wrong-token-wrong-token-wrong',
        cwd: h.dataDir,
      },
      ['console'],
    );
    expect(run.code).not.toBe(0);
    expect(run.stdout).not.toContain('/console/login');
    expect(run.stderr).toMatch(/admin token/i);
  });
});
