import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import {
  createHandset,
  createTelephonyPki,
  type DcqlCredential,
  type Handset,
  type HandsetOptions,
  type HandsetSim,
  type Tamper,
  type TelephonyPki,
} from '@switchboard/handset';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import type { Aggregator } from '../src/app.js';
import {
  clientAssertion,
  jwtBearer,
  postForm,
  bearerAssertion,
  type BackendApp,
  type Endpoints,
  type FormResult,
} from './backend-client.js';

// The operator-token path (CAMARA NV "Operator Token Acquisition" guide) for tests, the demo and
// the bench: a Telephony PKI the aggregator trusts, operators offering operator tokens, an app
// with a web origin, a simulated handset, and the three calls (app token, credential, exchange).

/** Demo data (config/sandbox.json): MCC-MNC and Android carrier id of each sandbox. */
export const OPERATOR_TOKEN_CARRIERS = {
  'sandbox-a': { mccMnc: '99901', carrierId: 90001 },
  'sandbox-b': { mccMnc: '99902', carrierId: 90002 },
} as const;
/** A carrier id no operator offers. */
export const UNKNOWN_CARRIER_ID = 1839;
/** The web origin Telephony observes for the test app (its Binding JWT `aud`). */
export const APP_ORIGIN = 'https://shop.example.test';

/** The Telephony PKI and the PEM file the aggregator reads (OPENID4VP_TELEPHONY_TRUST_ANCHORS). */
export interface TelephonyTrust {
  readonly pki: TelephonyPki;
  readonly file: string;
  readonly env: { OPENID4VP_TELEPHONY_TRUST_ANCHORS: string };
  remove(): void;
}

export async function createTelephonyTrust(
  name = 'Test Android Telephony',
): Promise<TelephonyTrust> {
  const pki = await createTelephonyPki(name);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-telephony-'));
  const file = path.join(dir, 'telephony-roots.pem');
  fs.writeFileSync(file, pki.rootPem);
  return {
    pki,
    file,
    env: { OPENID4VP_TELEPHONY_TRUST_ANCHORS: file },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Turns operator tokens on for both sandboxes (carrier ids, MCC-MNC network routes). */
export async function enableOperatorTokens(agg: Aggregator): Promise<void> {
  const admin = { kind: 'admin', id: 'test' } as const;
  for (const [id, { mccMnc, carrierId }] of Object.entries(OPERATOR_TOKEN_CARRIERS)) {
    await agg.operators.update(id, { carrierIds: [carrierId], operatorToken: true }, admin);
    await agg.routes.addNetworks(id, [mccMnc], admin);
  }
  await agg.index.refresh();
}

/** A backend app (private_key_jwt) with a web origin, allowed both NV scopes. */
export async function registerOperatorTokenApp(
  agg: Aggregator,
  o: { allowedOrigins?: string[]; apkKeyHashes?: string[]; name?: string } = {},
): Promise<BackendApp> {
  const created = await agg.clients.add({
    name: o.name ?? 'Shop',
    grantType: 'backend',
    generateKey: true,
    allowedScopes: ['number-verification:verify', 'number-verification:device-phone-number:read'],
    allowedOrigins: o.allowedOrigins ?? [APP_ORIGIN],
    apkKeyHashes: o.apkKeyHashes ?? [],
  });
  return { id: created.client.id, jwk: created.privateJwk! };
}

/** The SIMs of the demo handset: slot 0 a sandbox-a subscriber, slot 1 a sandbox-b one. */
export function demoSims(sandboxes: ReadonlyArray<{ readonly url: string }>): HandsetSim[] {
  return [
    {
      slot: 0,
      subscriptionId: 1,
      carrierId: 90001,
      mccMnc: '99901',
      msisdn: '+346001000005',
      secret: 'sim-secret-a-5',
      entitlementUrl: sandboxes[0]!.url,
      label: 'Sandbox A',
    },
    {
      slot: 1,
      subscriptionId: 2,
      carrierId: 90002,
      mccMnc: '99902',
      msisdn: '+491700000005',
      secret: 'sim-secret-b-5',
      entitlementUrl: sandboxes[1]!.url,
      label: 'Sandbox B',
    },
  ];
}

/** A handset whose carriers allowlist the aggregator's current OpenID4VP root. */
export async function demoHandset(
  agg: Aggregator,
  telephony: TelephonyPki,
  sandboxes: readonly RunningSandbox[],
  o: Partial<HandsetOptions> = {},
): Promise<Handset> {
  const root = (await agg.openId4VpKeys.view()).root.fingerprint;
  return createHandset({
    telephony,
    sims: demoSims(sandboxes),
    allowlist: { '99901': [root], '99902': [root] },
    callerIdentity: APP_ORIGIN,
    ...o,
  });
}

/** §3.1: the app's client_credentials token (scope openid4vp) with private_key_jwt. */
export async function openId4VpAppToken(at: Endpoints, app: BackendApp): Promise<FormResult> {
  return postForm(
    `${at.publicUrl}/token`,
    {
      grant_type: 'client_credentials',
      scope: 'openid4vp',
      client_id: app.id,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(app, `${at.issuer}/token`),
    },
    new URL(at.issuer).host,
  );
}

/** `POST /openid4vp/credentials` with a bearer token and a JSON body (any value). */
export async function postCredentialRequest(
  at: Endpoints,
  bearer: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }> {
  const res = await request(`${at.publicUrl}/openid4vp/credentials`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.statusCode, headers: res.headers, body: parsed };
}

export const newNonce = () => randomBytes(18).toString('base64url');

/** Step 1 for an app: its token, then the credential; throws unless 200. */
export async function requestOperatorTokenCredential(
  at: Endpoints,
  app: BackendApp,
  o: { scope: string; nonce?: string; carrierIds?: number[]; lang?: string },
): Promise<{ credential: DcqlCredential; nonce: string }> {
  const token = await openId4VpAppToken(at, app);
  if (token.status !== 200)
    throw new Error(`openid4vp token refused: ${JSON.stringify(token.body)}`);
  const nonce = o.nonce ?? newNonce();
  const res = await postCredentialRequest(at, String(token.body.access_token), {
    scope: o.scope,
    nonce,
    carrier_ids: o.carrierIds ?? [90001, 90002],
    ...(o.lang ? { lang: o.lang } : {}),
  });
  if (res.status !== 200) throw new Error(`credential refused: ${JSON.stringify(res.body)}`);
  return { credential: res.body as unknown as DcqlCredential, nonce };
}

/** Step 3: the app's JWT-bearer assertion with `sub = vp_token:<SD-JWT>`. */
export async function exchangeOperatorToken(
  at: Endpoints,
  app: BackendApp,
  sdJwt: string,
  scope: string,
): Promise<FormResult> {
  const assertion = await bearerAssertion(app, {
    sub: `vp_token:${sdJwt}`,
    scope,
    aud: `${at.issuer}/token`,
  });
  return jwtBearer(at, assertion);
}

/**
 * The whole path for one presentation: credential request, the handset's review and
 * presentation on `slot` (with `tamper`), and the exchange.
 */
export async function runOperatorTokenPath(
  at: Endpoints,
  app: BackendApp,
  handset: Handset,
  o: { scope: string; slot?: number; carrierIds?: number[]; tamper?: Tamper },
): Promise<{ credential: DcqlCredential; sdJwt: string; result: FormResult }> {
  const { credential, nonce } = await requestOperatorTokenCredential(at, app, o);
  await handset.review(credential, nonce);
  const sdJwt = await handset.present(credential, nonce, o.slot ?? 0, o.tamper);
  return { credential, sdJwt, result: await exchangeOperatorToken(at, app, sdJwt, o.scope) };
}
