import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { DeviceBrowser } from '@switchboard/operator-sandbox/test-support';
import { decide, startInstance } from '@switchboard/operator-sandbox/test-support';
import { loadConfig } from '../src/config.js';
import { startDemoApp, type RunningDemoApp } from '../src/index.js';

export { DeviceBrowser };

const CLIENT_SECRET = 'demo-app-test-client-secret';
/** The call centre's backend client at the sandbox (CIBA poll mode, private_key_jwt only). */
const BACKEND_CLIENT_ID = 'demo-call-centre';
const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

/** A fresh ES256 key: the public JWK for the sandbox, the private one in a file (0600). */
async function backendKey(dir: string) {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const kid = 'demo-call-centre-1';
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
  const file = path.join(dir, 'backend-key.json');
  const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: 'ES256' };
  writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
  return { publicJwk, file };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An empty value in `env` unsets the setting (e.g. no call-centre client). */
const withoutEmpty = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));

export interface DemoStack {
  readonly sandbox: RunningSandbox;
  readonly demo: RunningDemoApp;
  close(): Promise<void>;
}

/**
 * An operator sandbox where the demo app is a registered client (CAMARA scope style, as
 * the aggregator offers it), and the demo app configured for it through its own config.
 */
export async function startDemoStack(
  operator: 'sandbox-a' | 'sandbox-b',
  env: Record<string, string> = {},
  sandboxOverrides: Record<string, unknown> = {},
): Promise<DemoStack> {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'sb-demo-stack-'));
  const backend = await backendKey(keyDir);
  const sandbox = await startInstance(operator, {
    scopeStyle: 'camara',
    clients: [
      {
        clientId: 'demo-app',
        clientName: 'Demo Bank',
        redirectUris: [redirectUri],
        tokenEndpointAuthMethod: 'client_secret_basic',
        clientSecret: CLIENT_SECRET,
      },
      {
        clientId: BACKEND_CLIENT_ID,
        clientName: 'Demo Bank call centre',
        // The sandbox's schema wants one; CIBA never redirects.
        redirectUris: [`http://127.0.0.1:${port}/unused`],
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [backend.publicJwk] },
        grantTypes: [CIBA_GRANT],
        backchannelTokenDeliveryMode: 'poll',
      },
    ],
    ...sandboxOverrides,
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    ISSUER: sandbox.url,
    CLIENT_ID: 'demo-app',
    CLIENT_SECRET,
    REDIRECT_URI: redirectUri,
    PORT: String(port),
    SESSION_SECRET: 'demo-app-test-session-secret-0123456789',
    ...withoutEmpty({
      BACKEND_CLIENT_ID,
      BACKEND_PRIVATE_KEY_FILE: backend.file,
      ...env,
    }),
  });
  const demo = await startDemoApp(config);
  return {
    sandbox,
    demo,
    async close() {
      await demo.close();
      await sandbox.close();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

export interface PageResult {
  readonly status: number;
  readonly html: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Follows redirects across demo app and operator until a page is shown. */
export async function browseToPage(device: DeviceBrowser, url: string): Promise<PageResult> {
  let current = url;
  for (let hops = 0; hops < 12; hops += 1) {
    const res = await device.get(current);
    if (!res.location) return { status: res.status, html: res.text, headers: res.headers };
    current = res.location;
  }
  throw new Error(`too many redirects from ${url}`);
}

/** Submits the first form on `html` (posting `fields` over its hidden inputs) and follows on. */
export async function submitForm(
  device: DeviceBrowser,
  baseUrl: string,
  html: string,
  fields: Record<string, string> = {},
): Promise<PageResult> {
  const form = /<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('no form on the page');
  const hidden = Object.fromEntries(
    [...form[2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [
      m[1]!,
      m[2]!
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    ]),
  );
  const posted = await device.postForm(new URL(form[1]!, baseUrl).href, { ...hidden, ...fields });
  if (!posted.location)
    return { status: posted.status, html: posted.text, headers: posted.headers };
  return browseToPage(device, posted.location);
}

/** Answers the operator's consent page and follows the flow back to the demo app. */
export async function answerConsent(
  device: DeviceBrowser,
  issuer: string,
  html: string,
  decision: 'approve' | 'deny',
): Promise<PageResult> {
  const posted = await decide(device, issuer, html, decision);
  if (!posted.location) throw new Error(`consent answered ${posted.status}`);
  return browseToPage(device, posted.location);
}
