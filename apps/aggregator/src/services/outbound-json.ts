import { Agent, request, type Dispatcher } from 'undici';
import { isForbiddenHost, UpstreamError } from '@switchboard/telco-finder';
import { lookupVia, PrivateAddressError, publicOnlyLookup, type Resolve } from './host-guard.js';

/** GETs JSON from an operator's endpoint; every failure is an UpstreamError saying what went wrong. */
export type GetJson = (url: string) => Promise<unknown>;

export interface OutboundJsonOptions {
  readonly timeoutMs: number;
  /** Development only: loopback and private hosts (the sandboxes). */
  readonly allowPrivateHosts: boolean;
  readonly maxBytes?: number;
  readonly userAgent: string;
  /** Name resolution (tests); the system resolver by default. */
  readonly resolve?: Resolve;
}

const MAX_BYTES = 5 * 1024 * 1024;

/**
 * Outbound requests to URLs an operator chose: no redirects, a timeout, a size cap, and
 * outside development an SSRF guard: no loopback/private/link-local host, whether the URL
 * names it literally or a host name resolves to it when the socket connects.
 */
export function createOutboundJson(options: OutboundJsonOptions): GetJson {
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  const { allowPrivateHosts, resolve } = options;
  const dispatcher: Dispatcher | undefined = !allowPrivateHosts
    ? new Agent({ connect: { lookup: publicOnlyLookup(resolve) } })
    : resolve && new Agent({ connect: { lookup: lookupVia(resolve, { publicOnly: false }) } });
  return async (url) => {
    const target = checkTarget(url, options.allowPrivateHosts);
    let res;
    try {
      res = await request(target, {
        ...(dispatcher ? { dispatcher } : {}),
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

function checkTarget(url: string, allowPrivate: boolean): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UpstreamError(`not a URL: ${url}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new UpstreamError(`not an http(s) URL: ${url}`);
  if (!allowPrivate && isForbiddenHost(u.hostname))
    throw new UpstreamError(
      `${url}: ${u.hostname} is a loopback or private host (allowed only with OPERATOR_DEV_MODE)`,
    );
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
