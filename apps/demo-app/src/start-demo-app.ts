import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSwitchboardClient, type SwitchboardClient } from '@switchboard/sdk';
import { createHandset, telephonyPkiFromJson, type Handset } from '@switchboard/handset';
import type { DemoAppConfig } from './config.js';
import { createApp } from './http/create-app.js';
import { createSessionCookie } from './http/session-cookie.js';
import { createSimFlowStore } from './http/sim-flows.js';
import type { SimPath } from './http/sim-routes.js';
import { silentLogger, type Logger } from './logger.js';

export interface DemoAppDeps {
  readonly logger?: Logger;
  /** Outbound fetch of the SDK (tests inject; default the global fetch). */
  readonly fetch?: typeof fetch;
  /** A ready client instead of one built from the config. */
  readonly client?: SwitchboardClient;
  /** A ready backend client (call centre) instead of one built from the config. */
  readonly backend?: SwitchboardClient;
  /** A ready simulated phone (tests) instead of the one in HANDSET_FILE. */
  readonly handset?: Handset;
}

export interface RunningDemoApp {
  /** e.g. `http://127.0.0.1:3001`, with the real port. */
  readonly url: string;
  close(): Promise<void>;
}

/** Composition root: SDK client, sealed session cookie, express app, listener. */
export async function startDemoApp(
  config: DemoAppConfig,
  deps: DemoAppDeps = {},
): Promise<RunningDemoApp> {
  const logger = deps.logger ?? silentLogger;
  const client = deps.client ?? buildClient(config, deps.fetch);
  const backend = deps.backend ?? buildBackendClient(config, deps.fetch);
  const sim = await buildSimPath(config, deps);
  const sessions = createSessionCookie({
    secret: config.sessionSecret,
    secure: config.redirectUri.startsWith('https://'),
  });
  const app = createApp({
    client,
    backend,
    sim,
    sessions,
    purpose: config.purpose,
    callbackPath: new URL(config.redirectUri).pathname,
    logger,
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info('demo app listening', { url: `http://${host}:${port}` });
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeIdleConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function buildClient(config: DemoAppConfig, fetchImpl: typeof fetch | undefined) {
  return createSwitchboardClient({
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    privateKey: config.privateKey,
    redirectUri: config.redirectUri,
    timeoutMs: config.timeoutMs,
    allowInsecureRequests: config.allowInsecureIssuer,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

/** The call centre's client: CIBA with private_key_jwt only, no redirect URI (ICM). */
function buildBackendClient(config: DemoAppConfig, fetchImpl: typeof fetch | undefined) {
  if (!config.backend) return undefined;
  return createSwitchboardClient({
    issuer: config.issuer,
    clientId: config.backend.clientId,
    privateKey: config.backend.privateKey,
    timeoutMs: config.timeoutMs,
    allowInsecureRequests: config.allowInsecureIssuer,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

/**
 * "Verify with your SIM": its backend client (private_key_jwt: client_credentials for
 * /openid4vp/credentials, then the JWT-bearer exchange) and the simulated phone, whose
 * Telephony puts this app's web origin in the Binding JWT's `aud` (contract §2).
 */
async function buildSimPath(
  config: DemoAppConfig,
  deps: DemoAppDeps,
): Promise<SimPath | undefined> {
  if (!config.sim) return undefined;
  const { handset: file, client } = config.sim;
  const handset =
    deps.handset ??
    createHandset({
      telephony: await telephonyPkiFromJson(file.telephony),
      sims: file.sims,
      allowlist: file.allowlist,
      callerIdentity: new URL(config.redirectUri).origin,
    });
  return {
    client: buildBackendClient({ ...config, backend: client }, deps.fetch)!,
    handset,
    flows: createSimFlowStore(),
  };
}
