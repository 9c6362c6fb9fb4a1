import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JWK } from 'jose';
import { loadSandboxConfig } from '@switchboard/operator-sandbox';
import { startTcpCutProxy, type TcpCutProxy } from '@switchboard/db/test-support';
import { startBalancer, type Balancer } from './balancer.js';
import { startHostileOperator, type HostileOperator } from './hostile-operator.js';
import { freePort, ROOT, startApp, waitUntilOk, type AppProcess } from './processes.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';
import { seed } from './seed.js';

/** The balancer's source address towards the aggregators: the one address they trust. */
const BALANCER_SOURCE = '127.0.0.2';
export const APP_CALLBACK = 'http://127.0.0.1:3999/app-callback';
export type OperatorId = 'sandbox-a' | 'sandbox-b' | 'hostile';

/**
 * Settings every aggregator of the run gets. Short upstream timeouts and circuit cool-down keep
 * the run bounded; the values are inside what production allows (docs/configuration.md).
 */
const AGGREGATOR_SETTINGS: Record<string, string> = {
  HOST: '127.0.0.1',
  ADMIN_HOST: '127.0.0.1',
  TRUST_PROXY: `${BALANCER_SOURCE}/32`,
  LOG_LEVEL: 'error',
  SHUTDOWN_DRAIN_MS: '1000',
  SHUTDOWN_GRACE_MS: '5000',
  OPERATOR_TIMEOUT_MS: '3000',
  UPSTREAM_CONNECT_TIMEOUT_MS: '1000',
  UPSTREAM_HEADERS_TIMEOUT_MS: '1500',
  UPSTREAM_RESPONSE_TIMEOUT_MS: '3000',
  CIRCUIT_COOL_DOWN_MS: '5000',
  USAGE_FLUSH_INTERVAL_MS: '500',
  // The call loops replay a few tokens to load the proxy during faults, as the sandboxes here
  // accept (singleUseAccessTokens: false): NV single use (on by default) is tested in
  // apps/aggregator/test/proxy-single-use.int.test.ts.
  PROXY_SINGLE_USE_TOKENS: 'false',
};

/**
 * The hook for settings a load test needs raised (e.g. rate limits): every
 * `RESILIENCE_AGGREGATOR_<KEY>=value` of this process reaches the aggregators as `<KEY>=value`.
 */
function loadOverrides(env: NodeJS.ProcessEnv): Record<string, string> {
  const prefix = 'RESILIENCE_AGGREGATOR_';
  return Object.fromEntries(
    Object.entries(env)
      .filter(([k, v]) => k.startsWith(prefix) && v !== undefined)
      .map(([k, v]) => [k.slice(prefix.length), v!]),
  );
}

export interface AggregatorNode {
  readonly name: string;
  readonly port: number;
  readonly adminPort: number;
  process: AppProcess;
}

export interface Stack {
  readonly url: string;
  readonly balancer: Balancer;
  readonly db: ScratchDatabase;
  /** Between the aggregators and PostgreSQL: cut it for a database outage. */
  readonly relay: TcpCutProxy;
  readonly aggregators: AggregatorNode[];
  readonly hostile: HostileOperator;
  readonly app: { id: string; jwk: JWK };
  readonly adminToken: string;
  /** SIGTERM (graceful drain) and start again on the same ports; resolves once ready. */
  restartAggregator(node: AggregatorNode): Promise<void>;
  /** SIGKILL a sandbox operator; `startOperator` brings it back on the same port. */
  killOperator(id: 'sandbox-a' | 'sandbox-b'): Promise<void>;
  startOperator(id: 'sandbox-a' | 'sandbox-b'): Promise<void>;
  operatorProcess(id: 'sandbox-a' | 'sandbox-b'): AppProcess;
  aggregatorRss(): number[];
  stop(): Promise<void>;
}

export async function startStack(serverUrl: string, log: (line: string) => void): Promise<Stack> {
  // Undone in reverse order by stop(), or at once when the start fails half-way.
  const undo: Array<() => Promise<unknown> | unknown> = [];
  const stopAll = async () => {
    for (const step of undo.reverse()) await step();
    undo.length = 0;
  };
  try {
    return await buildStack(serverUrl, log, undo, stopAll);
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}

async function buildStack(
  serverUrl: string,
  log: (line: string) => void,
  undo: Array<() => Promise<unknown> | unknown>,
  stopAll: () => Promise<void>,
): Promise<Stack> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-resilience-'));
  undo.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const db = await createScratchDatabase(serverUrl);
  undo.push(() => db.drop());
  const relay = await startTcpCutProxy({ host: db.host, port: db.port });
  undo.push(() => relay.close());
  const hostile = await startHostileOperator();
  undo.push(() => hostile.close());
  const ports = await Promise.all([1, 2, 3].map(async () => [await freePort(), await freePort()]));
  const balancer = await startBalancer({
    backends: ports.map(([port], i) => ({ name: `aggregator-${i + 1}`, port: port! })),
    sourceAddress: BALANCER_SOURCE,
  });
  undo.push(() => balancer.close());
  const adminToken = randomBytes(24).toString('base64url');
  const env = {
    ...AGGREGATOR_SETTINGS,
    ...loadOverrides(process.env),
    DATABASE_URL: relay.via(db.url),
    ISSUER: balancer.url,
    SWITCHBOARD_ADMIN_TOKEN: adminToken,
    SWITCHBOARD_MASTER_KEY: randomBytes(32).toString('base64url'),
  };
  const sandboxes = await sandboxFiles(tmp, balancer.url);
  const processes = new Map<string, AppProcess>();
  undo.push(() => Promise.all([...processes.values()].map((p) => p.stop())));
  const startSandbox = async (id: 'sandbox-a' | 'sandbox-b') => {
    const s = sandboxes[id];
    const args = ['--config', s.file, '--data-dir', 'none', '--log-level', 'error'];
    processes.set(id, startApp(id, 'apps/operator-sandbox/src/main.ts', {}, args));
    await waitUntilOk(`${s.url}/health`, id);
  };
  const aggregators: AggregatorNode[] = ports.map(([port, adminPort], i) => ({
    name: `aggregator-${i + 1}`,
    port: port!,
    adminPort: adminPort!,
    process: undefined as unknown as AppProcess,
  }));
  undo.push(() => Promise.all(aggregators.map((a) => a.process?.stop())));
  const startAggregator = async (node: AggregatorNode) => {
    node.process = startApp(node.name, 'apps/aggregator/src/main.ts', {
      ...env,
      PORT: String(node.port),
      ADMIN_PORT: String(node.adminPort),
      SWITCHBOARD_DATA_DIR: path.join(tmp, node.name),
    });
    try {
      await waitUntilOk(`http://127.0.0.1:${node.adminPort}/ready`, node.name, 90_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${node.process.tail()}`);
    }
  };

  log('starting 2 sandbox operators and 3 aggregators (separate processes)…');
  await Promise.all([startSandbox('sandbox-a'), startSandbox('sandbox-b')]);
  // The first one migrates; the others then start together.
  await startAggregator(aggregators[0]!);
  await Promise.all(aggregators.slice(1).map(startAggregator));
  log('seeding operators, routes and the app through the admin API (switchboard CLI)…');
  const app = await seed({
    adminUrls: aggregators.map((a) => `http://127.0.0.1:${a.adminPort}`),
    adminToken,
    dir: tmp,
    sandboxA: sandboxes['sandbox-a'].url,
    sandboxB: sandboxes['sandbox-b'].url,
    hostile: hostile.url,
    redirectUri: APP_CALLBACK,
  });

  return {
    url: balancer.url,
    balancer,
    db,
    relay,
    aggregators,
    hostile,
    app,
    adminToken,
    async restartAggregator(node) {
      const code = await node.process.stop();
      if (code !== 0) throw new Error(`${node.name} exited with ${code} on SIGTERM`);
      await startAggregator(node);
    },
    killOperator: async (id) => processes.get(id)!.kill(),
    startOperator: startSandbox,
    operatorProcess: (id) => processes.get(id)!,
    aggregatorRss: () => aggregators.map((a) => a.process.rssMb()),
    stop: stopAll,
  };
}

/**
 * One config file per sandbox operator (each its own process, so one can be killed): the demo
 * instances on free ports, Switchboard's redirect URI at the balancer, reusable access tokens
 * (a pre-issued token is called many times), and sandbox-a also serving the hostile
 * operator's devices (127.30/16) so flows to it complete.
 */
async function sandboxFiles(tmp: string, issuer: string) {
  const base = loadSandboxConfig(path.join(ROOT, 'config/sandbox.json'));
  const out = {} as Record<'sandbox-a' | 'sandbox-b', { file: string; url: string }>;
  for (const instance of base.instances) {
    const id = instance.id as 'sandbox-a' | 'sandbox-b';
    const port = await freePort();
    const raw = structuredClone(instance) as Record<string, unknown> & typeof instance;
    const extra = id === 'sandbox-a' ? [{ cidr: '127.30.0.0/16', msisdnPrefix: '+346003' }] : [];
    const config = {
      dataDir: null,
      instances: [
        {
          ...raw,
          port,
          singleUseAccessTokens: false,
          subscribers: [...raw.subscribers, ...extra],
          clients: raw.clients.map((c) =>
            c.clientId === 'switchboard'
              ? { ...c, redirectUris: [`${issuer}/operator-callback`] }
              : c,
          ),
        },
      ],
    };
    const file = path.join(tmp, `${id}.json`);
    fs.writeFileSync(file, JSON.stringify(config));
    out[id] = { file, url: `http://127.0.0.1:${port}` };
  }
  return out;
}
