import { request } from 'undici';
import { UpstreamError } from '@switchboard/telco-finder';
import { urlRefusal, type EgressPolicy } from './egress-policy.js';
import { PrivateAddressError } from './host-guard.js';
import type { Egress } from './operator-egress.js';

/** GETs JSON from an operator's endpoint; every failure is an UpstreamError saying what went wrong. */
export type GetJson = (url: string) => Promise<unknown>;

export interface OutboundJsonOptions {
  /** The pool and policy (operator-egress.ts): the connect-time guard lives there. */
  readonly egress: Egress;
  readonly timeoutMs: number;
  readonly maxBytes?: number;
  readonly userAgent: string;
}

const MAX_BYTES = 5 * 1024 * 1024;

/**
 * Outbound requests to URLs an operator chose: no redirects, a timeout, a size cap, and the
 * egress's SSRF guard: no loopback/private/link-local host, whether the URL names it literally
 * (refused here, before any request) or a host name resolves to it when the socket connects.
 */
export function createOutboundJson(options: OutboundJsonOptions): GetJson {
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  const { dispatcher, policy } = options.egress;
  return async (url) => {
    const target = checkTarget(url, policy);
    let res;
    try {
      res = await request(target, {
        dispatcher,
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': options.userAgent },
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (e) {
      throw new UpstreamError(`cannot reach ${url}: ${describe(e)}`);
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new UpstreamError(`${url} answered HTTP ${res.statusCode}`);
    }
    const text = await readCapped(res.body, maxBytes, url);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UpstreamError(`${url} did not answer JSON`);
    }
  };
}

function checkTarget(url: string, policy: EgressPolicy): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UpstreamError(`not a URL: ${url}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new UpstreamError(`not an http(s) URL: ${url}`);
  const refusal = urlRefusal(policy, url, url, { httpsOnly: false });
  if (refusal) throw new UpstreamError(refusal);
  return u;
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  max: number,
  url: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > max) {
        body.destroy();
        throw new UpstreamError(`${url} answered more than ${max} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof UpstreamError) throw e;
    throw new UpstreamError(`reading ${url} failed: ${describe(e)}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(e: unknown): string {
  if (e instanceof PrivateAddressError) return e.message;
  const err = e as { code?: string; name?: string; message?: string };
  if (err?.name === 'TimeoutError' || err?.code === 'UND_ERR_HEADERS_TIMEOUT') return 'timed out';
  return err?.code ?? err?.message ?? String(e);
}
