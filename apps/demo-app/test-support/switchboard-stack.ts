import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loadSandboxConfig,
  parseInstanceConfig,
  startSandbox,
  type RunningSandbox,
} from '@switchboard/operator-sandbox';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { telephonyPkiToJson, type HandsetSim, type TelephonyPki } from '@switchboard/handset';
import type { Aggregator } from '@switchboard/aggregator';
import {
  createTelephonyTrust,
  demoSims,
  enableOperatorTokens,
  registerOperators,
  startTestAggregator,
} from '@switchboard/aggregator/test-support';
import { loadConfig } from '../src/config.js';
import { startDemoApp, type RunningDemoApp } from '../src/index.js';

const ADMIN = { kind: 'admin', id: 'demo-app-e2e' } as const;
const LOOPBACK = '127.0.0.1/32';
const SANDBOX_CONFIG = fileURLToPath(new URL('../../../config/sandbox.json', import.meta.url));

/** What sandbox-b calls the browser's line, so its consent page can be reached from here. */
export const SANDBOX_B_LOOPBACK_MSISDN = '+491700000001';

export interface SwitchboardStack {
  readonly agg: Aggregator;
  /** The simulated phone's Telephony PKI, whose root the aggregator trusts. */
  readonly telephony: TelephonyPki;
  readonly sandboxes: readonly RunningSandbox[];
  readonly demo: RunningDemoApp;
  /**
   * Another demo app against this aggregator, its own clients and a phone with other SIMs
   * (`sims` changes the demo phone's); closed with the stack.
   */
  startDemo(sims: (demoSims: HandsetSim[]) => HandsetSim[]): Promise<RunningDemoApp>;
  /** Routes the browser's address (127.0.0.1/32) to this operator instead of the current one. */
  routeLoopbackTo(operatorId: 'sandbox-a' | 'sandbox-b'): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Both sandboxes with Switchboard's redirect URI pointing at this aggregator. sandbox-b also
 * knows 127.0.0.1 (the browser) as a subscriber, as the direct browser test does.
 */
async function startSandboxes(issuer: string): Promise<RunningSandbox[]> {
  const base = loadSandboxConfig(SANDBOX_CONFIG);
  return Promise.all(
    base.instances.map((instance) => {
      const raw = structuredClone(instance);
      const clients = raw.clients.map((c) =>
        c.clientId === 'switchboard' ? { ...c, redirectUris: [`${issuer}/operator-callback`] } : c,
      );
      const subscribers =
        raw.id === 'sandbox-b'
          ? [...raw.subscribers, { address: '127.0.0.1', msisdn: SANDBOX_B_LOOPBACK_MSISDN }]
          : raw.subscribers;
      return startSandbox(parseInstanceConfig({ ...raw, clients, subscribers, port: 0 }), {
        dataDir: null,
      });
    }),
  );
}

/**
 * The demo app as a `private_key_jwt` client of the aggregator, like `npm start` registers it,
 * configured through its own config module with the generated key in a temporary file.
 */
async function startDemoAgainst(
  agg: Aggregator,
  keyDir: string,
  sandboxes: readonly RunningSandbox[],
  telephony: TelephonyPki,
  sims: (demoSims: HandsetSim[]) => HandsetSim[] = (s) => s,
): Promise<RunningDemoApp> {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const phone = { telephony, sims: sims(demoSims(sandboxes)) };
  const simEnv = await simPath(agg, keyDir, phone, `http://127.0.0.1:${port}`);
  const created = await agg.clients.add({
    name: 'Demo Bank',
    redirectUris: [redirectUri],
    authMethod: 'private_key_jwt',
    generateKey: true,
    // What the demo's use cases ask (as `npm start` allows them): NV, SIM Swap's date, KYC Match.
    allowedScopes: ['number-verification:verify', 'sim-swap:retrieve-date', 'kyc-match:match'],
  });
  const keyFile = path.join(keyDir, 'demo-app-key.json');
  writeFileSync(keyFile, JSON.stringify(created.privateJwk), { mode: 0o600 });
  // The Call centre's backend client, as `npm start` registers it (CIBA, private_key_jwt only).
  const backend = await agg.clients.add({
    name: 'Demo bank call centre',
    grantType: 'backend',
    generateKey: true,
    allowedScopes: ['sim-swap:check', 'kyc-match:match'],
  });
  const backendKeyFile = path.join(keyDir, 'demo-call-centre-key.json');
  writeFileSync(backendKeyFile, JSON.stringify(backend.privateJwk), { mode: 0o600 });
  const config = loadConfig({
    NODE_ENV: 'test',
    ISSUER: agg.issuer,
    CLIENT_ID: created.client.id,
    PRIVATE_KEY_FILE: keyFile,
    REDIRECT_URI: redirectUri,
    PORT: String(port),
    SESSION_SECRET: 'demo-app-e2e-session-secret-0123456789',
    BACKEND_CLIENT_ID: backend.client.id,
    BACKEND_PRIVATE_KEY_FILE: backendKeyFile,
    ...simEnv,
  });
  return startDemoApp(config);
}

/**
 * "Verify with your SIM", as `npm start` sets it up: a backend client named "Demo Bank" allowed
 * for the demo's origin, and the simulated dual-SIM phone (HANDSET_FILE: slot 0 sandbox-a's
 * +346001000005, slot 1 sandbox-b's +491700000005) whose allowlist holds the aggregator's
 * OpenID4VP root fingerprint.
 */
async function simPath(
  agg: Aggregator,
  keyDir: string,
  phone: { telephony: TelephonyPki; sims: HandsetSim[] },
  origin: string,
): Promise<Record<string, string>> {
  const client = await agg.clients.add({
    name: 'Demo Bank',
    grantType: 'backend',
    generateKey: true,
    allowedScopes: ['number-verification:verify', 'number-verification:device-phone-number:read'],
    allowedOrigins: [origin],
  });
  const keyFile = path.join(keyDir, 'demo-sim-key.json');
  writeFileSync(keyFile, JSON.stringify(client.privateJwk), { mode: 0o600 });
  // Google's allowlist: the aggregator's current OpenID4VP root, for both SIMs' networks.
  const { fingerprint } = (await agg.openId4VpKeys.view()).root;
  const { telephony, sims } = phone;
  const handsetFile = path.join(keyDir, 'handset.json');
  const allowlist = Object.fromEntries(sims.map((sim) => [sim.mccMnc, [fingerprint]]));
  const contents = { telephony: await telephonyPkiToJson(telephony), sims, allowlist };
  writeFileSync(handsetFile, JSON.stringify(contents), { mode: 0o600 });
  return {
    OPERATOR_TOKEN_CLIENT_ID: client.client.id,
    OPERATOR_TOKEN_PRIVATE_KEY_FILE: keyFile,
    HANDSET_FILE: handsetFile,
  };
}

/**
 * Fresh test database, the aggregator, both sandbox operators and the demo app registered at
 * the aggregator: the browser goes demo app → Switchboard → operator → Switchboard → demo app.
 * 127.0.0.1/32 starts routed to sandbox-a (as `npm start` seeds it). The operator-token path is
 * set up too: both operators offer operator tokens, and the demo app's simulated phone holds
 * a SIM of each (`demoSims`). `aggregatorEnv` adds to the aggregator's configuration.
 */
export async function startSwitchboardStack(
  options: { aggregatorEnv?: Record<string, string> } = {},
): Promise<SwitchboardStack> {
  const t: TestDatabase = await createTestDatabase();
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'sb-demo-e2e-'));
  // The simulated phone's Telephony root is the aggregator's trust anchor (contract §3.5).
  const trust = await createTelephonyTrust('Demo e2e Telephony');
  const agg = await startTestAggregator(t.db, undefined, {
    ...trust.env,
    ...options.aggregatorEnv,
  });
  const sandboxes = await startSandboxes(agg.issuer);
  await registerOperators(agg, sandboxes[0]!.url, sandboxes[1]!.url);
  // Both offer operator tokens; the SD-JWT's carrier_hint (MCC-MNC) finds them by network.
  await enableOperatorTokens(agg);
  await agg.routes.addRanges('sandbox-a', [LOOPBACK], {}, ADMIN);
  // CIBA's login_hint=tel:… finds the operator by prefix (npm start syncs the routing tables).
  await agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
  await agg.routes.addPrefixes('sandbox-b', ['+491700'], {}, ADMIN);
  await agg.index.refresh();
  const demo = await startDemoAgainst(agg, keyDir, sandboxes, trust.pki);
  const others: Array<{ demo: RunningDemoApp; dir: string }> = [];
  return {
    agg,
    telephony: trust.pki,
    sandboxes,
    demo,
    async routeLoopbackTo(operatorId) {
      await agg.routes.removeRanges([LOOPBACK], ADMIN);
      await agg.routes.addRanges(operatorId, [LOOPBACK], {}, ADMIN);
      await agg.index.refresh();
    },
    async startDemo(sims) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-demo-e2e-'));
      const other = await startDemoAgainst(agg, dir, sandboxes, trust.pki, sims);
      others.push({ demo: other, dir });
      return other;
    },
    async close() {
      for (const other of others) {
        await other.demo.close();
        rmSync(other.dir, { recursive: true, force: true });
      }
      await demo.close();
      await Promise.all(sandboxes.map((s) => s.close()));
      await agg.stop();
      await t.destroy();
      rmSync(keyDir, { recursive: true, force: true });
      trust.remove();
    },
  };
}
