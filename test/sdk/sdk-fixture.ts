import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { DeviceBrowser } from '@switchboard/operator-sandbox/test-support';
import { decide, startInstance } from '@switchboard/operator-sandbox/test-support';
import { createSwitchboardClient, type SwitchboardClientOptions } from '@switchboard/sdk';

export { DeviceBrowser };

export const FRAUD = 'dpv:FraudPreventionAndDetection';
/** Nothing listens here: the device browser stops at the redirect and the test reads it. */
export const CALLBACK = 'http://127.0.0.1:3998/callback';
export const SECRET = 'sdk-test-client-secret-not-real';

/** An ES256 key pair for a `private_key_jwt` client, public part registered at the sandbox. */
export async function clientKeys(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const meta = { kid: 'sdk-test-key', alg: 'ES256', use: 'sig' };
  return {
    privateJwk: { ...(await exportJWK(privateKey)), ...meta },
    publicJwk: { ...(await exportJWK(publicKey)), ...meta },
  };
}

/**
 * A sandbox instance where the test app is registered twice: `sdk-basic`
 * (client_secret_basic) and `sdk-jwt` (private_key_jwt). Always in the CAMARA scope style,
 * which is what the aggregator offers apps.
 */
export async function startOperator(
  id: 'sandbox-a' | 'sandbox-b',
  publicJwk: JWK,
  overrides: Record<string, unknown> = {},
  redirectUri = CALLBACK,
): Promise<RunningSandbox> {
  const common = { redirectUris: [redirectUri], clientName: 'SDK Test Bank' };
  return startInstance(id, {
    scopeStyle: 'camara',
    clients: [
      {
        ...common,
        clientId: 'sdk-basic',
        tokenEndpointAuthMethod: 'client_secret_basic',
        clientSecret: SECRET,
      },
      {
        ...common,
        clientId: 'sdk-jwt',
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [publicJwk] },
      },
    ],
    ...overrides,
  });
}

export function basicClient(issuer: string, extra: Partial<SwitchboardClientOptions> = {}) {
  return createSwitchboardClient({
    issuer,
    clientId: 'sdk-basic',
    clientSecret: SECRET,
    redirectUri: CALLBACK,
    allowInsecureRequests: true,
    ...extra,
  });
}

export type BrowserOutcome =
  | { readonly kind: 'callback'; readonly url: string }
  | { readonly kind: 'page'; readonly status: number; readonly html: string };

/** The device's browser from `url` until it is sent to the app's callback or shown a page. */
export async function browse(device: DeviceBrowser, url: string): Promise<BrowserOutcome> {
  const { response } = await device.navigate(url);
  if (response.location?.startsWith(CALLBACK)) return { kind: 'callback', url: response.location };
  return { kind: 'page', status: response.status, html: response.text };
}

/** Answers the operator's consent page, then follows the resumed flow. */
export async function answerConsent(
  device: DeviceBrowser,
  issuer: string,
  html: string,
  decision: 'approve' | 'deny',
): Promise<BrowserOutcome> {
  const posted = await decide(device, issuer, html, decision);
  if (!posted.location) throw new Error(`consent form answered ${posted.status}`);
  if (posted.location.startsWith(CALLBACK)) return { kind: 'callback', url: posted.location };
  return browse(device, posted.location);
}
