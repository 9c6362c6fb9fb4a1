import { request } from 'undici';
import {
  authorizeUrl,
  redeemCode,
  SERVICE,
  type AppClient,
} from '@switchboard/aggregator/test-support/core-fixture';
// Modules, not the package's test-support index: that also holds Jest-only helpers, and this
// harness runs outside Jest.
import { DeviceBrowser } from '@switchboard/aggregator/test-support/device-browser';
import { BALANCER_ERROR_HEADER } from './balancer.js';
import type { OperatorId } from './stack.js';

const SCOPE = `openid ${SERVICE} number-verification:verify`;
/** A request taking longer than this is a hang, never a slow success. */
export const HANG_MS = 15_000;
const APP_CALLBACK = 'http://127.0.0.1:3999/app-callback';

/** What one step gave: `ok`, or a failure kind that scenarios classify as expected or not. */
export interface Outcome {
  readonly ok: boolean;
  /** e.g. `authorize:temporarily_unavailable`, `verify:503:UNAVAILABLE`, `network:ECONNREFUSED`. */
  readonly kind: string;
  /** An OAuth or CAMARA error the client can act on, rather than a hang or a broken answer. */
  readonly clean: boolean;
  readonly latencyMs: number;
}

export interface Client {
  readonly issuer: string;
  readonly app: AppClient;
  /** HTTP requests made by devices and the app backend so far. */
  requests: number;
}

const PREFIX: Record<OperatorId, { net: string; msisdn: string }> = {
  'sandbox-a': { net: '127.10', msisdn: '+346001' },
  'sandbox-b': { net: '127.20', msisdn: '+491700' },
  hostile: { net: '127.30', msisdn: '+346003' },
};

/** A fresh device on an operator's network, and the number its network knows it by. */
export function device(operator: OperatorId, n: number): { address: string; msisdn: string } {
  const x = 1 + (Math.floor(n / 250) % 250);
  const y = 1 + (n % 250);
  const pad = (v: number) => String(v).padStart(3, '0');
  const p = PREFIX[operator];
  return { address: `${p.net}.${x}.${y}`, msisdn: `${p.msisdn}${pad(x)}${pad(y)}` };
}

class CountingBrowser extends DeviceBrowser {
  constructor(
    address: string,
    private readonly client: Client,
  ) {
    super(address, {}, { headersTimeout: HANG_MS, bodyTimeout: HANG_MS });
  }

  override async get(url: string) {
    this.client.requests += 1;
    try {
      return await super.get(url);
    } catch (err) {
      // Which side broke matters: Switchboard (through the balancer) or the operator itself.
      const where = url.startsWith(this.client.issuer) ? 'switchboard' : 'operator';
      throw Object.assign(new Error(`GET ${where}`, { cause: err }), { where });
    }
  }
}

const outcome = (kind: string, clean: boolean, started: number): Outcome => ({
  ok: kind === 'ok',
  kind,
  clean,
  latencyMs: Date.now() - started,
});

/** Annex steps 1–20 from a device: authorize → operator → callback → app; then the token. */
export async function obtainToken(
  c: Client,
  address: string,
): Promise<{ token?: string; outcome: Outcome }> {
  const started = Date.now();
  const req = authorizeUrl(c.issuer, c.app, { prompt: 'none', scope: SCOPE });
  const browser = new CountingBrowser(address, c);
  try {
    const { page, redirect } = await browser.follow(req.url, APP_CALLBACK);
    if (!redirect && !page.url.startsWith(c.issuer))
      return { outcome: outcome(`operator-page:${page.status}`, false, started) };
    if (!redirect) {
      const error = oauthError(page.text);
      const balancer = page.status === 502 && page.text.startsWith('balancer:');
      return {
        outcome: outcome(
          `page:${page.status}:${error ?? (balancer ? 'balancer' : '?')}`,
          !!error,
          started,
        ),
      };
    }
    const error = redirect.searchParams.get('error');
    const code = redirect.searchParams.get('code');
    if (error || !code || redirect.searchParams.get('state') !== req.state)
      return { outcome: outcome(`authorize:${error ?? 'no-code'}`, !!error, started) };
    c.requests += 1;
    const tokenUrl = `${c.issuer}/token`;
    const res = await redeemCode(tokenUrl, c.issuer, c.app, code, req.verifier);
    if (res.status !== 200 || typeof res.body.access_token !== 'string')
      return {
        outcome: outcome(
          `token:${res.status}:${String(res.body.error)}`,
          typeof res.body.error === 'string',
          started,
        ),
      };
    return { token: res.body.access_token, outcome: outcome('ok', true, started) };
  } catch (err) {
    return { outcome: outcome(`network:${errorCode(err)}`, false, started) };
  } finally {
    await browser.close();
  }
}

/** Annex steps 24–30: `POST /number-verification/v2/verify` with an x-correlator we choose. */
export async function verifyNumber(
  c: Client,
  token: string,
  msisdn: string,
  correlator: string,
): Promise<Outcome & { status?: number; retryAfter?: boolean; fromBalancer?: boolean }> {
  const started = Date.now();
  c.requests += 1;
  try {
    const res = await request(`${c.issuer}/number-verification/v2/verify`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-correlator': correlator,
      },
      body: JSON.stringify({ phoneNumber: msisdn }),
      headersTimeout: HANG_MS,
      bodyTimeout: HANG_MS,
    });
    const text = await res.body.text();
    const fromBalancer = res.headers[BALANCER_ERROR_HEADER] !== undefined;
    const extra = {
      status: res.statusCode,
      retryAfter: !!res.headers['retry-after'],
      fromBalancer,
    };
    if (res.statusCode === 200) {
      const verified = (JSON.parse(text) as { devicePhoneNumberVerified?: unknown })
        .devicePhoneNumberVerified;
      return {
        ...outcome(verified === true ? 'ok' : 'verify:200:not-verified', false, started),
        ...extra,
      };
    }
    const body = camaraBody(text);
    const kind = `verify:${res.statusCode}:${body?.code ?? (fromBalancer ? 'balancer' : 'not-camara')}`;
    return { ...outcome(kind, body?.status === res.statusCode, started), ...extra };
  } catch (err) {
    return outcome(`network:${errorCode(err)}`, false, started);
  }
}

/**
 * The OAuth error of a page that is not a redirect: our HTML error page, or oidc-provider's JSON
 * (it answers JSON to clients that do not ask for HTML, as this scripted device does not).
 */
function oauthError(text: string): string | undefined {
  const html = /<code>([a-z_]+)<\/code>/.exec(text)?.[1];
  if (html) return html;
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

function camaraBody(text: string): { status: number; code: string } | undefined {
  try {
    const b = JSON.parse(text) as { status?: unknown; code?: unknown; message?: unknown };
    return typeof b.status === 'number' &&
      typeof b.code === 'string' &&
      typeof b.message === 'string'
      ? { status: b.status, code: b.code }
      : undefined;
  } catch {
    return undefined;
  }
}

/** One complete verification: a device gets a token through the flow and verifies its number. */
export async function completeVerification(
  c: Client,
  operator: OperatorId,
  n: number,
  correlator: string,
): Promise<Outcome> {
  const d = device(operator, n);
  const { token, outcome: got } = await obtainToken(c, d.address);
  if (!token) return got;
  const verified = await verifyNumber(c, token, d.msisdn, correlator);
  return { ...verified, latencyMs: got.latencyMs + verified.latencyMs };
}

/** `ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`…, with `@operator` when the operator broke. */
function errorCode(err: unknown): string {
  const e = err as { where?: string; cause?: unknown };
  const inner = (e?.where ? e.cause : err) as {
    code?: string;
    name?: string;
    cause?: { code?: string };
  };
  const code = inner?.code ?? inner?.cause?.code ?? inner?.name ?? 'error';
  return e?.where ? `${code}@${e.where}` : code;
}
