import { request } from 'undici';
import type { Handset, HandsetOptions } from '@switchboard/handset';
import type { Clock, RunningSandbox } from '@switchboard/operator-sandbox';
import { aggregatorTokenAudience, readAggregatorAccessToken } from '@switchboard/tokens';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Aggregator } from '../src/app.js';
import {
  APP_CALLBACK,
  authorizeUrl,
  redeemCode,
  registerApp,
  registerOperators,
  startSandboxes,
  startTestAggregator,
  type AppClient,
} from './core-fixture.js';
import { DeviceBrowser } from './device-browser.js';
import type { BackendApp, Endpoints } from './backend-client.js';
import {
  createTelephonyTrust,
  demoHandset,
  enableOperatorTokens,
  registerOperatorTokenApp,
  type TelephonyTrust,
} from './operator-token.js';

export interface CoreStackOptions {
  /**
   * The operator-token path: a Telephony PKI the aggregator trusts (a temp PEM file as
   * OPENID4VP_TELEPHONY_TRUST_ANCHORS), both sandboxes offering operator tokens (carrier ids
   * 90001/90002, networks 99901/99902), a backend app with a web origin.
   */
  readonly operatorToken?: boolean;
  /** The sandboxes' clock (temp_token and token expiry). */
  readonly sandboxClock?: Clock;
}

/** What `operatorToken: true` adds to the stack. */
export interface OperatorTokenStack {
  readonly trust: TelephonyTrust;
  readonly app: BackendApp;
  /** Where the app sends its requests. */
  readonly at: Endpoints;
  /** A dual-SIM handset (slot 0 sandbox-a, slot 1 sandbox-b) allowlisting the aggregator's root. */
  handset(o?: Partial<HandsetOptions>): Promise<Handset>;
}

/** One test file's world: a fresh database, an aggregator, both sandboxes, two apps. */
export interface CoreStack {
  readonly t: TestDatabase;
  readonly agg: Aggregator;
  readonly sandboxes: RunningSandbox[];
  readonly secretApp: AppClient;
  readonly keyApp: Extract<AppClient, { method: 'key' }>;
  /** Present when started with `operatorToken: true`. */
  readonly operatorToken: OperatorTokenStack | undefined;
  device(address: string, headers?: Record<string, string>): DeviceBrowser;
  authorize(
    address: string,
    app: AppClient,
    o?: Parameters<typeof authorizeUrl>[2],
  ): Promise<{
    req: ReturnType<typeof authorizeUrl>;
    redirect: URL | undefined;
    page: { status: number; text: string };
    params: URLSearchParams | undefined;
  }>;
  /**
   * A silent (`prompt=none`) authorization of `app` for the device at `address`, redeemed: the
   * AggregatorAccessToken an app calls CAMARA APIs with. Throws when no code comes back.
   */
  accessToken(address: string, app: AppClient, scope: string): Promise<string>;
  /** Redeems a code at the aggregator and decrypts the AggregatorAccessToken. */
  tokenFor(app: AppClient, code: string, verifier: string): Promise<TokenResult>;
  stop(): Promise<void>;
}

export interface TokenResult {
  status: number;
  body: Record<string, unknown>;
  claims: Awaited<ReturnType<typeof readAggregatorAccessToken>> | undefined;
}

export async function startCoreStack(
  env: Record<string, string> = {},
  options: CoreStackOptions = {},
): Promise<CoreStack> {
  const t = await createTestDatabase();
  const trust = options.operatorToken ? await createTelephonyTrust() : undefined;
  const agg = await startTestAggregator(t.db, undefined, { ...trust?.env, ...env });
  const sandboxes = await startSandboxes(
    agg.issuer,
    [],
    options.sandboxClock ? { clock: options.sandboxClock } : {},
  );
  await registerOperators(agg, sandboxes[0]!.url, sandboxes[1]!.url);
  const secretApp = await registerApp(agg, 'secret');
  const keyApp = (await registerApp(agg, 'key')) as Extract<AppClient, { method: 'key' }>;
  let operatorToken: OperatorTokenStack | undefined;
  if (trust) {
    await enableOperatorTokens(agg);
    const app = await registerOperatorTokenApp(agg);
    operatorToken = {
      trust,
      app,
      at: { issuer: agg.issuer, publicUrl: agg.publicUrl },
      handset: (o) => demoHandset(agg, trust.pki, sandboxes, o),
    };
  }
  const browsers: DeviceBrowser[] = [];
  const device = (address: string, headers?: Record<string, string>) => {
    const b = new DeviceBrowser(address, headers);
    browsers.push(b);
    return b;
  };
  const stack: CoreStack = {
    t,
    agg,
    sandboxes,
    secretApp,
    keyApp,
    operatorToken,
    device,
    async authorize(address, app, o = {}) {
      const req = authorizeUrl(agg.issuer, app, o);
      const { page, redirect } = await device(address).follow(req.url, APP_CALLBACK);
      return { req, page, redirect, params: redirect?.searchParams };
    },
    async accessToken(address, app, scope) {
      const { req, params } = await stack.authorize(address, app, { prompt: 'none', scope });
      const code = params?.get('code');
      if (!code) throw new Error(`no code: ${params?.toString()}`);
      return String((await stack.tokenFor(app, code, req.verifier)).body.access_token);
    },
    async tokenFor(app, code, verifier) {
      const res = await redeemCode(`${agg.publicUrl}/token`, agg.issuer, app, code, verifier);
      const claims =
        res.status === 200
          ? await readAggregatorAccessToken(String(res.body.access_token), {
              keyring: await agg.keys.tokenKeyring(),
              issuer: agg.issuer,
              audience: aggregatorTokenAudience(agg.issuer),
            })
          : undefined;
      return { ...res, claims };
    },
    async stop() {
      await Promise.all(browsers.map((b) => b.close()));
      await Promise.all(sandboxes.map((s) => s.close()));
      await agg.stop();
      await t.destroy();
      trust?.remove();
    },
  };
  return stack;
}

/** The operator's NV API, called with the operator token found inside the JWE. */
export async function verifyAtOperator(
  apiRoot: string,
  operatorToken: string,
  phoneNumber: string,
) {
  const res = await request(`${apiRoot}/number-verification/v2/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber }),
  });
  return { status: res.statusCode, body: await res.body.json() };
}
