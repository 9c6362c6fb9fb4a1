// `npm run check:demo-start` (CI, on a machine where the demo's ports are free): what the README
// promises a newcomer. `npm start` on a fresh data directory comes up and prints the log paths;
// each process writes its log there (the master-key warning in the aggregator's); a browser at
// 127.0.0.1 (sandbox-a's +34600000001) gets "Transfer approved" from "Confirm a transfer"
// (Number Verification and SIM Swap in one authorization), and "Call centre" answers for
// +346001000005 through CIBA, and "Verify with your SIM" verifies +491700000005 (sandbox-b's SIM in
// slot 1 of the simulated phone) for a browser on an address no operator knows (Wi-Fi), through the
// operator-token path; `switchboard operators health` then shows both sandboxes, with
// sandbox-a's operator legs and proxied calls; the banner's one-time link signs in to the web
// console, whose overview shows the demo traffic; Ctrl-C stops every process, exit 0.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { HealthReport } from '@switchboard/contracts';
import { DeviceBrowser } from '@switchboard/aggregator/test-support/device-browser';

const root = path.resolve(import.meta.dirname, '..');
const DEMO = 'http://127.0.0.1:3001';
const say = (line: string) => process.stdout.write(`${line}\n`);

/** A failed check: thrown, so the `finally` below still stops the stack it started. */
class CheckFailed extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

function fail(message: string, output = ''): never {
  throw new CheckFailed(message, output);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-demo-start-'));
  let output = '';
  const demo = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, SWITCHBOARD_DATA_DIR: dataDir },
    detached: true, // its own process group: the whole stack gets the signal, as with Ctrl-C
  });
  demo.stdout.on('data', (c: Buffer) => (output += c.toString()));
  demo.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    demo.once('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    const banner = await new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        if (output.includes('Switchboard demo is running')) done(true);
      }, 250);
      const timer = setTimeout(() => done(false), 120_000);
      void exited.then(() => done(false));
      function done(ok: boolean) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(ok);
      }
    });
    if (!banner) fail('npm start did not print its banner', output);
    say('== npm start is up');
    for (const name of ['aggregator', 'sandbox', 'demo-app']) {
      const file = path.join(dataDir, 'logs', `${name}.log`);
      if (!output.includes(path.relative(root, file)))
        fail(`the banner does not name ${file}`, output);
      if (!fs.existsSync(file)) fail(`no log file ${file}`);
    }
    if (!output.includes(`${DEMO}/sim`)) fail('the banner does not name the SIM page', output);
    const aggregatorLog = fs.readFileSync(path.join(dataDir, 'logs', 'aggregator.log'), 'utf8');
    if (!aggregatorLog.includes('SWITCHBOARD_MASTER_KEY is not set'))
      fail("the aggregator's log lacks the master-key warning", aggregatorLog);
    say('== each process logs to <data dir>/logs, the master-key warning included');

    const browser = new DeviceBrowser('127.0.0.1');
    try {
      const form = await browser.get(`${DEMO}/transfer`);
      const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1];
      if (!csrf) fail('no CSRF token on /transfer', form.text);
      const started = await browser.postForm(`${DEMO}/verify`, {
        csrf,
        useCase: 'transfer',
        phoneNumber: '+34600000001',
      });
      const { page } = await browser.follow(started.location ?? `${DEMO}/`, 'never:');
      if (!page.text.includes('Transfer approved'))
        fail('"Confirm a transfer" did not approve', page.text);
    } finally {
      await browser.close();
    }
    say('== "Confirm a transfer" for +34600000001: Transfer approved');
    await checkCallCentre();
    say('== "Call centre" for +346001000005 (CIBA through the aggregator): No recent SIM change');
    await checkSimPath();
    say(
      '== "Verify with your SIM" from a Wi-Fi address, SIM 2 (operator token): +491700000005 verified',
    );
    await checkHealth(dataDir);
    say("== operators health: sandbox-a and sandbox-b, with sandbox-a's legs and calls");
    await checkConsole(output);
    say(
      "== the banner's console link signs in once; the overview shows the demo traffic's verifications and calls on both sandboxes, and its failed one",
    );
  } finally {
    if (demo.exitCode === null) process.kill(-demo.pid!, 'SIGINT');
    // npm itself ends by the signal; the stack's own exit code is in its output otherwise.
    const { code, signal } = await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0 && signal !== 'SIGINT') fail(`npm start ended ${code ?? signal}`, output);
    // Every process of the stack stops: npm may end first, so wait for the ports to close.
    const answering = () =>
      Promise.all(
        [3000, 3001, 3100, 4001, 4002].map((port) =>
          fetch(`http://127.0.0.1:${port}/health`).then(
            () => port,
            () => undefined,
          ),
        ),
      ).then((ports) => ports.filter((p) => p !== undefined));
    let open = await answering();
    for (let i = 0; open.length && i < 60; i += 1) {
      await new Promise((r) => setTimeout(r, 500));
      open = await answering();
    }
    if (open.length) fail(`ports ${open.join(', ')} still answer 30 s after Ctrl-C`, output);
  }
  say('demo start check passed');
}

/**
 * `switchboard operators health --json` after the demo traffic: both sandboxes listed, and
 * sandbox-a's authorize and token legs and proxied calls counted (usage is written within
 * about a second, so the report is read again until it shows them).
 */
async function checkHealth(dataDir: string): Promise<void> {
  let last = '';
  for (let i = 0; i < 20; i += 1) {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['switchboard', 'operators', 'health', '--json'],
      {
        cwd: root,
        env: {
          ...process.env,
          SWITCHBOARD_ADMIN_URL: 'http://127.0.0.1:3100',
          SWITCHBOARD_DATA_DIR: dataDir,
        },
      },
    );
    last = stdout;
    const report = JSON.parse(stdout) as HealthReport;
    const a = report.items.find((h) => h.operatorId === 'sandbox-a');
    const b = report.items.find((h) => h.operatorId === 'sandbox-b');
    if (a && b && a.authorizeLeg.count > 0 && a.tokenLeg.count > 0 && a.calls.count > 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  fail('operators health does not show the sandboxes after the demo traffic', last);
}

interface OverviewRow {
  operatorId: string | null;
  verifications: number;
  verificationsOk: number;
  calls: number;
}

/**
 * The banner's one-time console link (docs/console.md): it signs a browser in once (303 to
 * /console/ with the session cookie; used again, 400); the overview then shows the demo traffic
 * of scripts/demo-traffic.ts: verifications (verification_steps) and proxied calls
 * (usage_events) on sandbox-a and sandbox-b, and the verification from an address no operator
 * serves as failed. Steps and usage are written in batches: read again until they show.
 */
async function checkConsole(output: string): Promise<void> {
  const link = /http:\/\/127\.0\.0\.1:3100\/console\/login\?code=[A-Za-z0-9_-]+/.exec(output)?.[0];
  if (!link) fail('the banner has no console sign-in link', output);
  const signIn = await fetch(link, { redirect: 'manual' });
  const cookie = /^(sb_console=[^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1];
  if (signIn.status !== 303 || !cookie)
    fail(`the console link answered ${signIn.status} without a session`, await signIn.text());
  if ((await fetch(link, { redirect: 'manual' })).status !== 400)
    fail('the console link signed in a second time');
  const api = async (p: string) => {
    const res = await fetch(`http://127.0.0.1:3100/console/api${p}`, { headers: { cookie } });
    if (!res.ok) fail(`console API ${p} answered ${res.status}`, await res.text());
    return res.json();
  };
  let last = '';
  for (let i = 0; i < 30; i += 1) {
    const overview = (await api('/overview?hours=1')) as {
      operators: OverviewRow[];
      totals: { verifications: number; verificationsOk: number; calls: number };
    };
    const failed = (await api('/verifications?outcome=error')) as {
      verifications: Array<{ operatorId: string | null; failedStep: string | null }>;
    };
    last = JSON.stringify({ overview, failed });
    const on = (id: string) => overview.operators.find((o) => o.operatorId === id);
    const shows = (o: OverviewRow | undefined) => !!o && o.verificationsOk > 0 && o.calls > 0;
    if (
      shows(on('sandbox-a')) &&
      shows(on('sandbox-b')) &&
      overview.totals.verifications > overview.totals.verificationsOk &&
      failed.verifications.some((v) => v.operatorId === null && v.failedStep !== null)
    )
      return;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  fail("the console's overview does not show the demo traffic", last);
}

/** The Call centre page's backend client was registered: CIBA, then SIM Swap, end to end. */
async function checkCallCentre(): Promise<void> {
  const agent = new DeviceBrowser('127.0.0.1');
  try {
    const form = await agent.get(`${DEMO}/call-centre`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1];
    if (!csrf) fail('no CSRF token on /call-centre', form.text);
    const started = await agent.postForm(`${DEMO}/call-centre`, {
      csrf,
      phoneNumber: '+346001000005',
    });
    if (started.status !== 303) fail(`starting the check answered ${started.status}`, started.text);
    for (let i = 0; i < 30; i += 1) {
      await new Promise((r) => setTimeout(r, 1_000));
      const page = await agent.get(`${DEMO}/call-centre/status`);
      if (page.text.includes('data-result="pending"')) continue;
      if (!page.text.includes('No recent SIM change'))
        fail('the call centre did not answer "No recent SIM change"', page.text);
      return;
    }
    fail('the call centre check stayed pending');
  } finally {
    await agent.close();
  }
}

/**
 * The operator-token path, as a browser on Wi-Fi (127.99.0.1: no operator serves it, so the
 * network path would fail): the SIM page the banner prints, the simulated phone's consent sheet
 * with the aggregator's consent text, SIM 2 (sandbox-b), "Number verified".
 */
async function checkSimPath(): Promise<void> {
  const browser = new DeviceBrowser('127.99.0.1');
  try {
    const form = await browser.get(`${DEMO}/sim`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1];
    if (!csrf) fail('no CSRF token on /sim', form.text);
    const started = await browser.postForm(`${DEMO}/sim`, { csrf, phoneNumber: '' });
    if (started.status !== 303) fail(`POST /sim answered ${started.status}`, started.text);
    const sheet = await browser.get(new URL(started.location!, DEMO).href);
    if (
      !sheet.text.includes('Simulated Android system dialog') ||
      !sheet.text.includes('Demo Bank wants')
    )
      fail('the consent sheet lacks the dialog or the consent text', sheet.text);
    if (!sheet.text.includes('name="slot" value="1"'))
      fail('the sheet offers no SIM 2', sheet.text);
    const result = await browser.postForm(`${DEMO}/sim/consent`, {
      csrf,
      decision: 'continue',
      slot: '1',
    });
    if (!result.text.includes('Number verified') || !result.text.includes('+491700000005'))
      fail('"Verify with your SIM" did not verify +491700000005', result.text);
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  const [message, output] =
    err instanceof CheckFailed
      ? [err.message, err.output]
      : [(err as Error)?.stack ?? String(err), ''];
  process.stderr.write(`demo start check failed: ${message}\n${output}`);
  process.exit(1);
});
