// `npm start`: the whole demo stack on one machine: both sandbox operators, the aggregator (on
// the embedded PGlite database unless DATABASE_URL says otherwise) and the demo app, each its own
// process talking HTTP only, like the real deployment. The demo data is seeded through the admin
// API with the `switchboard` CLI itself, idempotently, so re-running keeps what is there. A little
// demo traffic then fills the web console, and the banner ends with a one-time sign-in link to it.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { main as cli } from '@switchboard/cli';
import { createTelephonyPki, telephonyPkiFromJson, telephonyPkiToJson } from '@switchboard/handset';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.resolve(root, process.env.SWITCHBOARD_DATA_DIR ?? '.data');
const AGGREGATOR_PORT = 3000;
const ADMIN_URL = 'http://127.0.0.1:3100';
const DEMO_PORT = 3001;
const logDir = path.join(dataDir, 'logs');
const children: ChildProcess[] = [];
const logFiles: Array<[name: string, file: string]> = [];

/**
 * Starts one process of the stack. Its log (stdout and stderr) is appended to
 * `<data dir>/logs/<name>.log`; its stderr also reaches this terminal.
 */
function start(name: string, script: string, env: Record<string, string>): ChildProcess {
  const file = path.join(logDir, `${name.replace(/\s+/g, '-')}.log`);
  const log = fs.createWriteStream(file, { flags: 'a' });
  log.write(`--- npm start ${new Date().toISOString()} ---\n`);
  logFiles.push([name, file]);
  const child = spawn(
    process.execPath,
    ['--conditions=switchboard-source', '--import', 'tsx', script],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.pipe(log, { end: false });
  child.stderr!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    const shown = withoutRuntimeWarning(chunk.toString('utf8'));
    if (shown) process.stderr.write(shown);
  });
  child.on('close', () => log.end());
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited (${signal ?? code}); stopping the demo\n`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * oidc-provider warns at start that Node 20 is not the LTS it targets; this project supports
 * Node ≥ 20.19 (README) and tests on it. The line stays in the process's log file; the terminal
 * shows every other line.
 */
const RUNTIME_WARNING = 'oidc-provider WARNING: Unsupported runtime.';
const withoutRuntimeWarning = (text: string) =>
  text
    .split(/(?<=\n)/)
    .filter((line) => !line.includes(RUNTIME_WARNING))
    .join('');

async function waitFor(url: string, name: string): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become ready at ${url}`);
}

/** Runs one CLI command in-process; returns parsed JSON output, or undefined on a non-zero exit. */
async function sb(...argv: string[]): Promise<{ code: number; json: unknown; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await cli([...argv, '--json'], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { ...process.env, SWITCHBOARD_ADMIN_URL: ADMIN_URL, SWITCHBOARD_DATA_DIR: dataDir },
    cwd: root,
  });
  let json: unknown;
  try {
    json = stdout ? JSON.parse(stdout) : undefined;
  } catch {
    json = undefined;
  }
  return { code, json, stderr };
}

async function ensure(description: string, ...argv: string[]): Promise<void> {
  const r = await sb(...argv);
  // exit 2 with "already" is the idempotent re-run case
  if (r.code !== 0 && !/already/.test(r.stderr))
    throw new Error(`${description}: ${r.stderr.trim()}`);
}

async function seedOperators(): Promise<void> {
  const keys = JSON.parse(
    fs.readFileSync(path.join(root, 'config/demo-operator-keys.json'), 'utf8'),
  );
  const aKeyFile = path.join(dataDir, 'demo-sandbox-a-key.json');
  const keyFile = path.join(dataDir, 'demo-sandbox-b-key.json');
  fs.writeFileSync(aKeyFile, JSON.stringify(keys['sandbox-a'].privateJwk), { mode: 0o600 });
  fs.writeFileSync(keyFile, JSON.stringify(keys['sandbox-b'].privateJwk), { mode: 0o600 });
  const common = ['--client-id', 'switchboard', '--insecure'];
  await ensure(
    'sandbox-a',
    'operators',
    'add',
    '--id',
    'sandbox-a',
    '--name',
    'Sandbox A',
    '--country',
    'ES',
    '--issuer',
    'http://127.0.0.1:4001',
    '--api-root',
    'http://127.0.0.1:4001',
    '--private-key-file',
    aKeyFile,
    ...common,
  );
  // A data directory from before sandbox-a took keys (ICM: private_key_jwt) still holds its
  // client secret: the registration follows the sandbox.
  await ensure('sandbox-a key', 'operators', 'update', 'sandbox-a', '--private-key-file', aKeyFile);
  await ensure(
    'sandbox-b',
    'operators',
    'add',
    '--id',
    'sandbox-b',
    '--name',
    'Sandbox B',
    '--country',
    'DE',
    '--issuer',
    'http://127.0.0.1:4002',
    '--api-root',
    'http://127.0.0.1:4002',
    '--private-key-file',
    keyFile,
    '--scope-style',
    'dpv-hash',
    ...common,
  );
  for (const cidr of ['127.0.0.1/32', '::1/128', '127.10.0.0/16'])
    await ensure(cidr, 'ranges', 'add', 'sandbox-a', cidr, '--force');
  await ensure('127.20.0.0/16', 'ranges', 'add', 'sandbox-b', '127.20.0.0/16', '--force');
  // Each sandbox publishes the same routes as a GSMA routing table; Switchboard polls it
  // (`npx switchboard routing sync sandbox-a` does it at once).
  for (const [id, port] of [
    ['sandbox-a', 4001],
    ['sandbox-b', 4002],
  ] as const)
    await ensure(
      `${id} routing URL`,
      'operators',
      'update',
      id,
      '--routing-url',
      `http://127.0.0.1:${port}/telco-routing/v1/routing`,
      // The sandboxes serve the anti-fraud suite too; the proxy enforces this list.
      ...SANDBOX_APIS.flatMap((api) => ['--supported-api', api]),
    );
  // The Call centre's CIBA finds the operator by the number's prefix, which only the routing
  // tables give: fetch them now rather than at the first scheduled poll.
  for (const id of ['sandbox-a', 'sandbox-b']) {
    const r = await sb('routing', 'sync', id);
    if (r.code !== 0) say(`routing sync ${id}: ${r.stderr.trim()}`);
  }
}

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGINT');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
  );
  process.exit(code);
}

async function startDemo(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  fs.mkdirSync(logDir, { recursive: true });
  const telephony = await telephonyPki();
  start('sandbox', 'apps/operator-sandbox/src/main.ts', {});
  // Development mode for operator self-service: the sandboxes live on loopback addresses.
  start('aggregator', 'apps/aggregator/src/main.ts', {
    PORT: String(AGGREGATOR_PORT),
    OPERATOR_DEV_MODE: 'true',
    // The simulated phone's Telephony signs Issuer JWTs under this root (contract §3.5).
    OPENID4VP_TELEPHONY_TRUST_ANCHORS: telephony.rootPemFile,
  });
  say('starting the sandbox operators and the aggregator…');
  await waitFor('http://127.0.0.1:4001/health', 'sandbox-a');
  await waitFor('http://127.0.0.1:4002/health', 'sandbox-b');
  await waitFor(`${ADMIN_URL}/ready`, 'aggregator');
  say('seeding the demo operators, ranges and client through the admin API…');
  await seedOperators();
  const demoEnv = await registerDemoClient();
  const callCentreEnv = await registerCallCentreClient();
  say('setting up "Verify with your SIM" (operator tokens, the simulated phone)…');
  await seedOperatorTokens();
  const simEnv = await registerSimClient();
  const handsetEnv = await writeHandsetFile(telephony.json);
  start('demo app', 'apps/demo-app/src/main.ts', {
    PORT: String(DEMO_PORT),
    ISSUER: `http://127.0.0.1:${AGGREGATOR_PORT}`,
    ...demoEnv,
    ...callCentreEnv,
    ...simEnv,
    ...handsetEnv,
  });
  await waitFor(`http://127.0.0.1:${DEMO_PORT}/health`, 'demo app');
  await buildConsoleIfMissing();
  say('running a little demo traffic for the web console…');
  await runDemoTraffic(demoEnv);
  const consoleLink = await consoleSignInLink();
  process.stdout.write(`
Switchboard demo is running (Ctrl-C stops everything; data stays in ${path.relative(root, dataDir) || '.'}/)

  demo app (open this)     http://127.0.0.1:${DEMO_PORT}
  verify with your SIM     http://127.0.0.1:${DEMO_PORT}/sim   (no mobile data: the operator-token path)
  aggregator (OIDC, CAMARA) http://127.0.0.1:${AGGREGATOR_PORT}
  admin API (CLI)          ${ADMIN_URL}        npx switchboard --help
  web console (admins)     ${consoleLink}
                           (one-time sign-in link, 5 minutes; \`npx switchboard console\` prints another)
  sandbox operators        http://127.0.0.1:4001 (sandbox-a), http://127.0.0.1:4002 (sandbox-b)

Logs (appended on every start):
${logFiles.map(([name, file]) => `  ${name.padEnd(24)} ${path.relative(root, file)}`).join('\n')}

This browser reaches the aggregator from 127.0.0.1, which the sandbox-a operator knows as
+34600000001: enter that number to see it verified, any other to see "not verified".
"No mobile data? Verify with your SIM" (the button under the number, or
http://127.0.0.1:${DEMO_PORT}/sim) runs the operator-token path with a simulated dual-SIM phone:
SIM 1 is sandbox-a's +346001000005, SIM 2 sandbox-b's +491700000005; its system dialog lets you
choose one. Leave the number empty to be told the SIM's number, or type one to have it verified.
The Call centre page (http://127.0.0.1:${DEMO_PORT}/call-centre) checks a caller through CIBA:
+346001000007 had a SIM swap, +346001000005 did not; a sandbox-b number (+491700…) waits for the
subscriber's consent on http://127.0.0.1:4002/consents, opened from the line's device address.
`);
}

const DEMO_REDIRECT = `http://127.0.0.1:${DEMO_PORT}/callback`;

/** The React console (apps/console, SWITCHBOARD_CONSOLE_DIR's default) is built once, on a fresh clone. */
async function buildConsoleIfMissing(): Promise<void> {
  if (fs.existsSync(path.join(root, 'apps/console/dist/index.html'))) return;
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    }
  ).scripts;
  if (!scripts?.['build:console']) {
    say('the web console is not built (no build:console script): /console answers 503');
    return;
  }
  say('building the web console (npm run build:console, once)…');
  const code = await new Promise<number | null>((resolve) =>
    spawn('npm', ['run', 'build:console'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    }).once('exit', resolve),
  );
  if (code !== 0) say(`npm run build:console failed (${code}): /console answers 503`);
}

/**
 * scripts/demo-traffic.ts in its own process (the SDK from source): verifications on sandbox-a
 * and sandbox-b with a proxied call each, and one from an address no operator serves, so the
 * console has something to show. A failure here is reported, not fatal to the demo.
 */
async function runDemoTraffic(demoEnv: Record<string, string>): Promise<void> {
  let out = '';
  const child = spawn(
    process.execPath,
    ['--conditions=switchboard-source', '--import', 'tsx', 'scripts/demo-traffic.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        ISSUER: `http://127.0.0.1:${AGGREGATOR_PORT}`,
        CLIENT_ID: demoEnv.CLIENT_ID!,
        PRIVATE_KEY_FILE: demoEnv.PRIVATE_KEY_FILE!,
        REDIRECT_URI: DEMO_REDIRECT,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) {
    say(`demo traffic failed (${code}): ${withoutRuntimeWarning(out).trim()}`);
    return;
  }
  const outcomes = Object.values(
    JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, string>,
  );
  const count = (o: string) => outcomes.filter((x) => x === o).length;
  say(
    `demo traffic: ${count('verified') + count('not verified')} verifications with a proxied call, ${count('failed')} failed (an address no operator serves)`,
  );
}

/** A one-time console sign-in link from the admin API, as `switchboard console` prints it. */
async function consoleSignInLink(): Promise<string> {
  const r = await sb('console');
  const url = (r.json as { url?: string } | undefined)?.url;
  if (r.code !== 0 || !url)
    throw new Error(`creating the console sign-in link: ${r.stderr.trim()}`);
  return url;
}
/** What the sandbox operators offer (config/sandbox.json) as `--supported-api` values. */
const SANDBOX_APIS = [
  'number-verification:v2,v0',
  'sim-swap:v2',
  'kyc-match:v0.3',
  'location-verification:v3',
];
/** What the demo app's use cases ask: NV (login, transfer), SIM Swap's date, KYC Match. */
const DEMO_SCOPES = 'number-verification:verify,sim-swap:retrieve-date,kyc-match:match';

/**
 * The demo app is a private_key_jwt client (ICM: MUST). Its id and private key are generated once
 * and kept in the data directory (mode 0600) so a re-run finds the same client.
 */
async function registerDemoClient(): Promise<Record<string, string>> {
  const stateFile = path.join(dataDir, 'demo-app.json');
  const keyFile = path.join(dataDir, 'demo-app-key.json');
  if (fs.existsSync(stateFile) && fs.existsSync(keyFile)) {
    const { clientId } = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { clientId: string };
    if ((await sb('clients', 'show', clientId)).code === 0) {
      // A data directory from before the anti-fraud pages: allow the scopes they ask for.
      await ensure('the demo app scopes', 'clients', 'update', clientId, '--scopes', DEMO_SCOPES);
      return { CLIENT_ID: clientId, PRIVATE_KEY_FILE: keyFile };
    }
  }
  const r = await sb(
    'clients',
    'add',
    '--name',
    'Switchboard demo app',
    '--redirect-uri',
    DEMO_REDIRECT,
    '--generate-key',
    '--scopes',
    DEMO_SCOPES,
  );
  if (r.code !== 0) throw new Error(`registering the demo app: ${r.stderr.trim()}`);
  const created = r.json as { client: { id: string }; privateJwk: Record<string, unknown> };
  fs.writeFileSync(keyFile, JSON.stringify(created.privateJwk), { mode: 0o600 });
  fs.writeFileSync(stateFile, JSON.stringify({ clientId: created.client.id }), { mode: 0o600 });
  return { CLIENT_ID: created.client.id, PRIVATE_KEY_FILE: keyFile };
}

/** What the Call centre page asks through CIBA: SIM Swap's check and KYC Match. */
const CALL_CENTRE_SCOPES = 'sim-swap:check,kyc-match:match';

/**
 * The Call centre page's backend client (ICM: private_key_jwt only, no redirect URI), registered
 * once like the demo app's; its id and private key stay in the data directory (mode 0600).
 */
async function registerCallCentreClient(): Promise<Record<string, string>> {
  const stateFile = path.join(dataDir, 'demo-call-centre.json');
  const keyFile = path.join(dataDir, 'demo-call-centre-key.json');
  const env = (clientId: string) => ({
    BACKEND_CLIENT_ID: clientId,
    BACKEND_PRIVATE_KEY_FILE: keyFile,
  });
  if (fs.existsSync(stateFile) && fs.existsSync(keyFile)) {
    const { clientId } = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { clientId: string };
    if ((await sb('clients', 'show', clientId)).code === 0) return env(clientId);
  }
  const r = await sb(
    'clients',
    'add',
    '--name',
    'Demo bank call centre',
    '--backend',
    '--generate-key',
    '--scopes',
    CALL_CENTRE_SCOPES,
  );
  if (r.code !== 0) throw new Error(`registering the call centre: ${r.stderr.trim()}`);
  const created = r.json as { client: { id: string }; privateJwk: Record<string, unknown> };
  fs.writeFileSync(keyFile, JSON.stringify(created.privateJwk), { mode: 0o600 });
  fs.writeFileSync(stateFile, JSON.stringify({ clientId: created.client.id }), { mode: 0o600 });
  return env(created.client.id);
}

/** The Android carrier ids of the sandboxes' SIMs (config/sandbox.json, `operatorToken`). */
const OPERATOR_TOKEN_CARRIERS = { 'sandbox-a': 90001, 'sandbox-b': 90002 } as const;

/** Each sandbox operator offers operator tokens for its Android carrier id (contract §3.4). */
async function seedOperatorTokens(): Promise<void> {
  for (const [id, carrierId] of Object.entries(OPERATOR_TOKEN_CARRIERS))
    await ensure(
      `${id} operator tokens`,
      'operators',
      'update',
      id,
      '--carrier-ids',
      String(carrierId),
      '--operator-token',
    );
}

/**
 * The simulated phone's Telephony PKI, generated once and kept in the data directory (the
 * Telephony key signs Issuer JWTs, mode 0600); its root certificate is written next to it for
 * the aggregator's OPENID4VP_TELEPHONY_TRUST_ANCHORS.
 */
async function telephonyPki(): Promise<{ json: unknown; rootPemFile: string }> {
  const dir = path.join(dataDir, 'handset');
  const file = path.join(dir, 'telephony.json');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    const pki = await createTelephonyPki('Switchboard demo Telephony');
    fs.writeFileSync(file, JSON.stringify(await telephonyPkiToJson(pki)), { mode: 0o600 });
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  const rootPemFile = path.join(dir, 'telephony-root.pem');
  fs.writeFileSync(rootPemFile, (await telephonyPkiFromJson(json as never)).rootPem);
  return { json, rootPemFile };
}

/** What the operator-token path asks: NV verify (a typed number) or the SIM's number. */
const SIM_SCOPES = 'number-verification:verify,number-verification:device-phone-number:read';
const DEMO_ORIGIN = `http://127.0.0.1:${DEMO_PORT}`;

/**
 * "Verify with your SIM" needs a backend client (private_key_jwt: client_credentials for
 * /openid4vp/credentials, then the JWT-bearer exchange) whose allowed origin is the demo app's:
 * the simulated phone names that origin in the Binding JWT's `aud`. The demo app's own client is
 * an authorization-code client, so this is a second one, named as the bank: the aggregator's
 * consent text names the app by its client name.
 */
async function registerSimClient(): Promise<Record<string, string>> {
  const stateFile = path.join(dataDir, 'demo-sim.json');
  const keyFile = path.join(dataDir, 'demo-sim-key.json');
  const env = (clientId: string) => ({
    OPERATOR_TOKEN_CLIENT_ID: clientId,
    OPERATOR_TOKEN_PRIVATE_KEY_FILE: keyFile,
  });
  const settings = ['--scopes', SIM_SCOPES, '--allowed-origin', DEMO_ORIGIN];
  if (fs.existsSync(stateFile) && fs.existsSync(keyFile)) {
    const { clientId } = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { clientId: string };
    if ((await sb('clients', 'show', clientId)).code === 0) {
      await ensure('the SIM client', 'clients', 'update', clientId, ...settings);
      return env(clientId);
    }
  }
  const r = await sb(
    'clients',
    'add',
    '--name',
    'Demo Bank',
    '--backend',
    '--generate-key',
    ...settings,
  );
  if (r.code !== 0) throw new Error(`registering the SIM client: ${r.stderr.trim()}`);
  const created = r.json as { client: { id: string }; privateJwk: Record<string, unknown> };
  fs.writeFileSync(keyFile, JSON.stringify(created.privateJwk), { mode: 0o600 });
  fs.writeFileSync(stateFile, JSON.stringify({ clientId: created.client.id }), { mode: 0o600 });
  return env(created.client.id);
}

interface SandboxInstance {
  id: string;
  name: string;
  port: number;
  routing: { network: string[] };
  operatorToken: { carrierId: number; sims: Array<{ msisdn: string; secret: string }> };
}

/**
 * The aggregator's OpenID4VP root fingerprint (SHA-256 hex of the root DER), from the admin API
 * (`GET /admin/v1/keys/openid4vp`, what `switchboard keys openid4vp` shows) with the admin token
 * the CLI uses (SWITCHBOARD_ADMIN_TOKEN, else the one the aggregator wrote to the data directory).
 */
async function openId4VpRootFingerprint(): Promise<string> {
  const token =
    process.env.SWITCHBOARD_ADMIN_TOKEN ??
    fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  const res = await fetch(`${ADMIN_URL}/admin/v1/keys/openid4vp`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => undefined)) as
    { root?: { fingerprint?: string } } | undefined;
  const fingerprint = body?.root?.fingerprint;
  if (!res.ok || !fingerprint || !/^[0-9a-f]{64}$/.test(fingerprint))
    throw new Error(
      `reading the aggregator's OpenID4VP root: GET /keys/openid4vp answered ${res.status}`,
    );
  return fingerprint;
}

/**
 * The simulated dual-SIM phone (HANDSET_FILE, rewritten at every start, mode 0600): slot 0
 * sandbox-a's +346001000005, slot 1 sandbox-b's +491700000005, with their secrets from
 * config/sandbox.json; and, as Google's allowlist for both networks, the aggregator's current
 * OpenID4VP root fingerprint, read at every start, so a `rotate --root` is picked up.
 */
async function writeHandsetFile(telephony: unknown): Promise<Record<string, string>> {
  const config = JSON.parse(fs.readFileSync(path.join(root, 'config/sandbox.json'), 'utf8')) as {
    instances: SandboxInstance[];
  };
  const slots = [
    ['sandbox-a', '+346001000005'],
    ['sandbox-b', '+491700000005'],
  ] as const;
  const sims = slots.map(([id, msisdn], slot) => {
    const instance = config.instances.find((i) => i.id === id);
    const secret = instance?.operatorToken.sims.find((s) => s.msisdn === msisdn)?.secret;
    if (!instance || !secret) throw new Error(`config/sandbox.json: no SIM secret for ${msisdn}`);
    return {
      slot,
      subscriptionId: slot + 1,
      carrierId: instance.operatorToken.carrierId,
      mccMnc: instance.routing.network[0]!,
      msisdn,
      secret,
      entitlementUrl: `http://127.0.0.1:${instance.port}`,
      label: instance.name,
    };
  });
  const fingerprint = await openId4VpRootFingerprint();
  const allowlist = Object.fromEntries(sims.map((s) => [s.mccMnc, [fingerprint]]));
  const file = path.join(dataDir, 'handset', 'handset.json');
  fs.writeFileSync(file, JSON.stringify({ telephony, sims, allowlist }, null, 2), { mode: 0o600 });
  return { HANDSET_FILE: file };
}

startDemo().catch((err: unknown) => {
  process.stderr.write(`npm start failed: ${(err as Error)?.message ?? String(err)}\n`);
  void stop(1);
});
