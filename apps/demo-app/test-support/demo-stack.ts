import { createServer } from 'node:net';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { DeviceBrowser } from '@switchboard/operator-sandbox/test-support';
import { decide, startInstance } from '@switchboard/operator-sandbox/test-support';
import { loadConfig } from '../src/config.js';
import { startDemoApp, type RunningDemoApp } from '../src/index.js';

export { DeviceBrowser };

const CLIENT_SECRET = 'demo-app-test-client-secret';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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
    ...env,
  });
  const demo = await startDemoApp(config);
  return {
    sandbox,
    demo,
    async close() {
      await demo.close();
      await sandbox.close();
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
