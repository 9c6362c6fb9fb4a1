import * as client from 'openid-client';
import { Agent, request } from 'undici';
import type { Operator } from '@switchboard/telco-finder';
import type { OperatorClient } from '../authorize/flow/operator-client.js';

/** How the check obtains an OperatorAccessToken for the operator's test subscriber. */
export interface SubscriberTokens {
  /**
   * The front-channel code flow with `prompt=none`, the device leg sent from `deviceIp` (a
   * local address of this host: the operator authenticates the subscriber by network).
   */
  byDevice(op: Operator, deviceIp: string, scope: string): Promise<string>;
  /** CIBA poll mode with `login_hint=tel:…` (ICM r4.2): the operator must grant at once. */
  byCiba(op: Operator, phoneNumber: string, scope: string): Promise<string>;
}

export interface SubscriberTokenDeps {
  readonly operatorClient: OperatorClient;
  /** The redirect URI registered at every operator (the aggregator's callback). */
  readonly redirectUri: string;
  readonly timeoutMs: number;
  /** Seconds a CIBA request may stay pending before the scenario fails. */
  readonly cibaMaxWaitSeconds: number;
}

const MAX_REDIRECTS = 10;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createSubscriberTokens(deps: SubscriberTokenDeps): SubscriberTokens {
  const { operatorClient } = deps;
  return {
    async byDevice(op, deviceIp, scope) {
      const state = client.randomState();
      const nonce = client.randomNonce();
      const codeVerifier = client.randomPKCECodeVerifier();
      const url = await operatorClient.authorizationUrl(op, {
        state,
        nonce,
        codeChallenge: await client.calculatePKCECodeChallenge(codeVerifier),
        scope,
        promptNone: true,
      });
      const callback = await followAsDevice(url, deviceIp, deps);
      const error = callback.searchParams.get('error');
      if (error) {
        const said = callback.searchParams.get('error_description')?.slice(0, 200);
        throw new Error(`the operator answered ${error}${said ? ` (${said})` : ''} to the device`);
      }
      return (await operatorClient.exchange(op, callback, { state, nonce, codeVerifier }))
        .accessToken;
    },
    async byCiba(op, phoneNumber, scope) {
      const started = await operatorClient.backend.startBackchannel(op, {
        loginHint: `tel:${phoneNumber}`,
        scope,
      });
      const deadline = Date.now() + Math.min(started.expiresIn, deps.cibaMaxWaitSeconds) * 1000;
      let interval = started.interval;
      for (;;) {
        try {
          return (await operatorClient.backend.pollBackchannel(op, started.authReqId)).accessToken;
        } catch (err) {
          const code = err instanceof client.ResponseBodyError ? err.error : undefined;
          if (code !== 'authorization_pending' && code !== 'slow_down') throw err;
          if (code === 'slow_down') interval += 5; // CIBA Core §11
          if (Date.now() + interval * 1000 > deadline)
            throw new Error('the operator did not grant the CIBA request for the test number');
          await sleep(interval * 1000);
        }
      }
    },
  };
}

/**
 * A minimal device browser: follows the operator's redirects (keeping its cookies, which
 * oidc-provider's interactions need) until the aggregator's callback, from `deviceIp`.
 */
async function followAsDevice(
  start: URL,
  deviceIp: string,
  deps: SubscriberTokenDeps,
): Promise<URL> {
  // undici reads the source address from the Agent's options, not from `connect`.
  const agent = new Agent({
    localAddress: deviceIp,
    connect: { timeout: deps.timeoutMs },
    headersTimeout: deps.timeoutMs,
    bodyTimeout: deps.timeoutMs,
  });
  const cookies = new Map<string, string>();
  try {
    let url = start;
    for (let hop = 0; hop < MAX_REDIRECTS; hop += 1) {
      const res = await request(url, {
        dispatcher: agent,
        headers: cookies.size
          ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
          : {},
      });
      await res.body.dump();
      for (const c of [res.headers['set-cookie'] ?? []].flat()) {
        const [pair] = c.split(';');
        const at = pair!.indexOf('=');
        if (at > 0) cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
      }
      const location = res.headers.location;
      if (res.statusCode < 300 || res.statusCode >= 400 || typeof location !== 'string')
        throw new Error(
          `the operator answered the device ${res.statusCode} instead of redirecting back (a page: login or consent needed?)`,
        );
      url = new URL(location, url);
      if (url.href.startsWith(`${deps.redirectUri}?`)) return url;
    }
    throw new Error('too many redirects on the device leg');
  } finally {
    await agent.close();
  }
}
