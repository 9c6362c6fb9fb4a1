import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { issueAdminToken } from '@switchboard/aggregator/test-support';
import {
  SANDBOX_B_LOOPBACK_MSISDN,
  startSwitchboardStack,
  type SwitchboardStack,
} from '@switchboard/demo-app/test-support';
import {
  artifactsDir,
  describeBrowser as describeBrowserIfChromium,
  launchChromium,
} from '@switchboard/demo-app/test-support/chromium';

// The admin console in headless Debian Chromium against a real stack (aggregator, both sandbox
// operators, the demo app) after a demo run driven through the demo app in the same browser:
// three verifications that succeed on sandbox-a with four proxied calls, and on sandbox-b two
// that fail (prompt=none → consent_required, then the subscriber denies → access_denied).
// Every page is asserted by what a person reads on it, and saved under artifacts/console/.
const ARTIFACTS = artifactsDir('console');
const describeBrowser = describeBrowserIfChromium('console.e2e.test');
const TRACE_URL = 'http://traces.test/trace/{traceId}';
const BUILD = fileURLToPath(new URL('../build.mjs', import.meta.url));

const sum = (texts: readonly string[]) => texts.reduce((n, t) => n + Number(t), 0);

/** What the demo run below leaves behind (checked against the pages). */
const DEMO = {
  verificationsOk: 3,
  verificationsFailed: 2,
  callsA: 4,
  nvCallsA: 3,
  simSwapCallsA: 1,
};

describeBrowser('admin console in headless Chromium, after a demo run', () => {
  let browser: Browser;
  let stack: SwitchboardStack;
  let token: string;
  let context: BrowserContext;
  let page: Page;
  let spanSink: Server;
  const cspViolations: string[] = [];
  const consoleUrl = (path = '') => `${stack.agg.adminUrl}/console/${path}`;

  /** A new browser context whose console messages are watched for CSP refusals. */
  const newPage = async (ctx: BrowserContext): Promise<Page> => {
    const p = await ctx.newPage();
    p.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    p.on('pageerror', (e) => cspViolations.push(`page error: ${e.message}`));
    return p;
  };

  /** One demo verification in its own context: returns the demo's data-result. */
  const demoVerify = async (path: string, phoneNumber: string, deny = false): Promise<string> => {
    const ctx = await browser.newContext();
    try {
      const p = await ctx.newPage();
      await p.goto(`${stack.demo.url}${path}`);
      await p.getByLabel('Mobile number').fill(phoneNumber);
      await p.getByRole('button', { name: /Verify silently/ }).click();
      if (deny) {
        await p.getByRole('button', { name: 'Continue to give permission' }).click();
        await p.getByRole('button', { name: 'Deny' }).click();
      }
      await p.waitForSelector('h1[data-result]');
      return (await p.getAttribute('h1[data-result]', 'data-result')) ?? '';
    } finally {
      await ctx.close();
    }
  };

  const signIn = async (p: Page) => {
    await p.goto(consoleUrl());
    await p.getByLabel('Admin token').fill(token);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByTestId('page-overview').waitFor();
  };

  /** Goes to a page through the navigation, as a person clicks it. */
  const open = async (nav: string, testId: string) => {
    await page.getByTestId(`nav-${nav}`).click();
    await page.getByTestId(testId).waitFor();
  };

  const shot = (name: string) =>
    page.screenshot({ path: `${ARTIFACTS}console-${name}.png`, fullPage: true });

  /** The texts of a chart's value labels (SVG <text>, what the bars say). */
  const chartLabels = async (testId: string): Promise<string[]> => {
    await page.locator(`[data-testid="${testId}"] .recharts-bar-rectangle`).first().waitFor();
    const texts = await page
      .locator(
        `[data-testid="${testId}"] .bar-label text, [data-testid="${testId}"] text.bar-label`,
      )
      .allTextContents();
    return texts.filter((t) => t !== '');
  };

  /** A table's body as rows of cell texts. */
  const tableRows = async (testId: string) =>
    page
      .getByTestId(testId)
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())),
      );

  beforeAll(async () => {
    execFileSync(process.execPath, [BUILD, '--if-stale'], { stdio: 'ignore' });
    // Tracing on (spans go to a sink that accepts them), and a tracing backend's trace page, so
    // a verification has a trace id and links to its trace.
    spanSink = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
    });
    await new Promise<void>((resolve) => spanSink.listen(0, '127.0.0.1', resolve));
    const { port } = spanSink.address() as { port: number };
    stack = await startSwitchboardStack({
      aggregatorEnv: {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
        SWITCHBOARD_TRACE_URL: TRACE_URL,
      },
    });
    browser = await launchChromium();
    token = await issueAdminToken(stack.agg, 'console e2e');
    // The demo run: three verifications on sandbox-a, each with its proxied calls…
    expect(await demoVerify('', '+34 600 000 001')).toBe('verified');
    expect(await demoVerify('', '+34600000002')).toBe('not-verified');
    expect(await demoVerify('/transfer', '+34 600 000 001')).toBe('verified');
    // …and sandbox-b's subscriber, who is asked for consent and denies it.
    await stack.routeLoopbackTo('sandbox-b');
    expect(await demoVerify('', SANDBOX_B_LOOPBACK_MSISDN, true)).toBe('error');
    await stack.routeLoopbackTo('sandbox-a');
    await stack.agg.flushUsage();
    await stack.agg.flushVerifications();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await newPage(context);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await new Promise((resolve) => spanSink?.close(resolve));
  });

  it('refuses a wrong admin token, then signs in with the right one', async () => {
    await page.goto(consoleUrl());
    await page.getByTestId('sign-in').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}console-sign-in.png`, fullPage: true });
    await page.getByLabel('Admin token').fill('sbadm_not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error').innerText()).resolves.toContain(
      'not the admin token',
    );
    await signIn(page);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Overview');
  });

  it('overview: the demo run’s verifications and calls in the totals, the charts and the tables', async () => {
    await open('overview', 'overview-totals');
    const stat = (key: string) => page.getByTestId(`stat-${key}-value`).innerText();
    const total = DEMO.verificationsOk + DEMO.verificationsFailed;
    expect(await stat('verifications')).toBe(String(total));
    expect(await stat('verifications-ok')).toBe(String(DEMO.verificationsOk));
    expect(await stat('verification-success')).toBe(
      `${((DEMO.verificationsOk / total) * 100).toFixed(1)} %`,
    );
    expect(await stat('calls')).toBe(String(DEMO.callsA));
    expect(await stat('call-success')).toBe('100.0 %');
    expect(await stat('p50')).toMatch(/^\d+(\.\d)? ms$/);
    // The per-hour charts write each operator's count on its bar: together, the run's totals
    // (summed, as the run may straddle the turn of an hour).
    expect(sum(await chartLabels('chart-verifications'))).toBe(total);
    expect(sum(await chartLabels('chart-calls'))).toBe(DEMO.callsA);
    // sandbox-a: every verification and call succeeded; sandbox-b: no verification did.
    expect((await chartLabels('chart-success')).sort()).toEqual(['0.0 %', '100.0 %', '100.0 %']);
    const operators = await tableRows('overview-operators');
    expect(operators).toEqual(
      expect.arrayContaining([
        expect.arrayContaining(['sandbox-a', String(DEMO.verificationsOk), '100.0 %']),
        expect.arrayContaining(['sandbox-b', String(DEMO.verificationsFailed), '0.0 %']),
      ]),
    );
    await shot('overview');
  });

  it('operators: status, routes, circuit and last routing sync of both sandboxes', async () => {
    await open('operators', 'operators-table');
    const a = page.getByTestId('operator-sandbox-a');
    const b = page.getByTestId('operator-sandbox-b');
    expect(await a.getByTestId('operator-status').innerText()).toBe('active');
    expect(await b.getByTestId('operator-status').innerText()).toBe('active');
    // sandbox-a: 127.10/16 and 127.0.0.1/32, +3460 and its network 99901; the proxy called it,
    // so its circuit is closed.
    expect(await a.getByTestId('operator-routes-detail').innerText()).toBe(
      '2 IP ranges · 1 prefixes · 1 networks',
    );
    expect(await a.getByTestId('operator-routes').innerText()).toBe('4');
    expect(await a.getByTestId('operator-circuit').innerText()).toBe('closed');
    expect(await a.getByTestId('operator-last-sync').innerText()).toBe('never');
    // The scorecard: the three operator logins and token exchanges, the four proxied calls.
    const card = (key: string) => a.getByTestId(`scorecard-${key}`).innerText();
    expect(await card('authorize')).toMatch(
      new RegExp(`^${DEMO.verificationsOk} ok · 0 failed · p50 \\d+ ms · p99 \\d+ ms$`),
    );
    expect(await card('token')).toMatch(new RegExp(`^${DEMO.verificationsOk} ok · 0 failed`));
    expect(await card('calls')).toMatch(
      new RegExp(`^${DEMO.callsA} · 0.0 % errors · 0.0 % timeouts`),
    );
    expect(await card('conformance')).toBe('never run');
    await shot('operators');
  });

  it('apps: the demo bank’s usage per day, operator and API, with its chart and CSV export', async () => {
    await open('apps', 'apps-clients');
    expect(await page.getByTestId('apps-clients').innerText()).toContain('Demo Bank');
    expect(await page.getByTestId('stat-app-calls-value').innerText()).toBe(String(DEMO.callsA));
    const usage = await tableRows('apps-usage');
    // Per API (summed over days, as the run may straddle midnight): the demo bank's calls.
    const callsOf = (api: RegExp) =>
      usage.filter((r) => api.test(r[3]!)).reduce((n, r) => n + Number(r[4]), 0);
    for (const row of usage) {
      expect(row).toEqual([
        expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        'Demo Bank',
        'sandbox-a',
        expect.any(String),
        row[4],
        row[4],
      ]);
    }
    expect(callsOf(/number-verification/)).toBe(DEMO.nvCallsA);
    expect(callsOf(/sim-swap/)).toBe(DEMO.simSwapCallsA);
    expect(sum(await chartLabels('chart-usage'))).toBe(DEMO.callsA);
    // The export link downloads the same numbers as CSV (with this browser's session cookie).
    const href = await page.getByTestId('apps-csv').getAttribute('href');
    const csv = await page.request.get(new URL(href!, consoleUrl()).toString());
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe('day,client_id,operator_id,api,calls,calls_ok');
    expect(lines.slice(1).reduce((n, l) => n + Number(l.split(',')[4]), 0)).toBe(DEMO.callsA);
    await shot('apps');
  });

  it('audit log: the route changes of the run, filtered by operator and paged', async () => {
    await open('audit', 'audit-table');
    const all = await tableRows('audit-table');
    expect(all.length).toBeGreaterThan(2);
    await page.getByLabel('Operator').fill('sandbox-b');
    await page.getByTestId('audit-apply').click();
    await page.getByTestId('audit-count').filter({ hasText: 'operator sandbox-b' }).waitFor();
    const onlyB = await tableRows('audit-table');
    expect(onlyB.length).toBeGreaterThan(0);
    expect(new Set(onlyB.map((r) => r[3]))).toEqual(new Set(['sandbox-b']));
    await shot('audit');
    // Paging: one entry per page, Older then Newer.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Rows per page').selectOption('10');
    await page.getByTestId('audit-count').filter({ hasText: 'on page 1' }).waitFor();
    const first = await tableRows('audit-table');
    await page.getByTestId('audit-older').click();
    await page.getByTestId('audit-count').filter({ hasText: 'on page 2' }).waitFor();
    const second = await tableRows('audit-table');
    expect(second[0]).not.toEqual(first[0]);
    await page.getByTestId('audit-newer').click();
    await page.getByTestId('audit-count').filter({ hasText: 'on page 1' }).waitFor();
    expect(await tableRows('audit-table')).toEqual(first);
  });

  it('verification lookup: the failed verifications by time window, and the failing step’s error', async () => {
    await open('verifications', 'verifications-table');
    await page.getByLabel('Outcome').selectOption('error');
    await page.getByTestId('lookup-window-submit').click();
    await page.getByTestId('lookup-count').filter({ hasText: 'outcome error' }).waitFor();
    const failed = await tableRows('verifications-table');
    expect(failed).toHaveLength(DEMO.verificationsFailed);
    for (const row of failed) expect(row).toEqual(expect.arrayContaining(['error', 'sandbox-b']));
    expect(failed.map((r) => r[6]).join(' ')).toMatch(/access_denied/);
    await shot('verifications');
    // The one the subscriber denied: its failing step, highlighted, with the operator's error.
    const denied = page
      .getByTestId('verification-row')
      .filter({ hasText: 'access_denied' })
      .getByRole('link');
    await denied.click();
    await page.getByTestId('failed-step').waitFor();
    expect(await page.getByTestId('stat-outcome-value').innerText()).toBe('error');
    expect(await page.getByTestId('stat-operator-value').innerText()).toBe('sandbox-b');
    expect(await page.getByTestId('failed-step-error').innerText()).toMatch(/^access_denied/);
    expect(await page.getByTestId('verification-error').innerText()).toMatch(
      /^Failed at \w+: access_denied/,
    );
    const steps = await tableRows('steps-table');
    expect(steps.map((r) => r[0])).toEqual(expect.arrayContaining(['authorize', 'telco_finder']));
    for (const row of steps) expect(row[2]).toMatch(/^(\d+(\.\d)? ms|—)$/);
    expect(await page.getByTestId('failed-step').getAttribute('class')).toBe('failed');
    expect(await chartLabels('chart-steps')).not.toHaveLength(0);
    // Its trace, at the configured tracing backend.
    expect(await page.getByTestId('trace-link').getAttribute('href')).toMatch(
      /^http:\/\/traces\.test\/trace\/[0-9a-f]{32}$/,
    );
    await shot('verification-failed');
  });

  it('verification lookup: by a proxied call’s x-correlator, one verification with its steps and calls', async () => {
    await open('verifications', 'verifications-table');
    await page.getByLabel('Outcome').selectOption('ok');
    await page.getByTestId('lookup-window-submit').click();
    await page.getByTestId('lookup-count').filter({ hasText: 'outcome ok' }).waitFor();
    expect(await tableRows('verifications-table')).toHaveLength(DEMO.verificationsOk);
    await page.getByTestId('verification-row').first().getByRole('link').click();
    await page.getByTestId('calls-table').waitFor();
    const id = await page.getByTestId('verification-id').innerText();
    const calls = await tableRows('calls-table');
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call[3]).toBe('200');
    const correlator = calls[0]![5]!;
    expect(correlator).not.toBe('');
    expect((await tableRows('steps-table')).map((r) => r[0])).toEqual(
      expect.arrayContaining(['authorize', 'token']),
    );
    await shot('verification-ok');
    await open('verifications', 'lookup-correlator');
    await page.getByLabel('x-correlator', { exact: true }).fill(correlator);
    await page.getByTestId('lookup-correlator-submit').click();
    await page.getByTestId('lookup-count').filter({ hasText: correlator }).waitFor();
    expect(await page.getByTestId('lookup-count').innerText()).toMatch(/^1 verification /);
    await page.getByTestId('verification-row').getByRole('link').click();
    await page.getByTestId('verification-id').waitFor();
    expect(await page.getByTestId('verification-id').innerText()).toBe(id);
  });

  it('signs out: back to the sign-in page, and the API answers 401', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    const res = await page.request.get(consoleUrl('api/overview'));
    expect(res.status()).toBe(401);
  });

  it('signs in with a one-time link (as switchboard console prints it), which works once', async () => {
    const res = await fetch(`${stack.agg.adminUrl}/admin/v1/console/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(201);
    const { url } = (await res.json()) as { url: string };
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const linkPage = await newPage(ctx);
      await linkPage.goto(url);
      await linkPage.getByTestId('page-overview').waitFor();
      expect(new URL(linkPage.url()).pathname).toBe('/console/');
      expect(await linkPage.getByTestId('stat-calls-value').innerText()).toBe(String(DEMO.callsA));
      const again = await (await browser.newContext()).newPage();
      const answer = await again.goto(url);
      expect(answer?.status()).toBe(400);
      expect(await again.locator('body').innerText()).toContain('used or expired');
    } finally {
      await ctx.close();
    }
  });

  it('no page broke the Content Security Policy or threw', () => {
    expect(cspViolations).toEqual([]);
  });
});
