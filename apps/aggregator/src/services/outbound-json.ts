import { request } from 'undici';
import { isSpecialPurposeAddress, UpstreamError } from '@switchboard/telco-finder';

/** GETs JSON from an operator's endpoint; every failure is an UpstreamError saying what went wrong. */
export type GetJson = (url: string) => Promise<unknown>;

export interface OutboundJsonOptions {
  readonly timeoutMs: number;
  /** Development only: loopback and private hosts (the sandboxes). */
  readonly allowPrivateHosts: boolean;
  readonly maxBytes?: number;
  readonly userAgent: string;
}

const MAX_BYTES = 5 * 1024 * 1024;

/**
 * Outbound requests to URLs an operator chose: no redirects, a timeout, a size cap, and
 * outside development no literal loopback/private/link-local hosts (a basic SSRF guard;
 * names resolving to such addresses are the network's job to block).
 */
export function createOutboundJson(options: OutboundJsonOptions): GetJson {
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  return async (url) => {
    const target = checkTarget(url, options.allowPrivateHosts);
    let res;
    try {
      res = await request(target, {
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
  if (!allowPrivate && (u.hostname === 'localhost' || isSpecialPurposeAddress(u.hostname)))
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
  const err = e as { code?: string; name?: string; message?: string };
  if (err?.name === 'TimeoutError' || err?.code === 'UND_ERR_HEADERS_TIMEOUT') return 'timed out';
  return err?.code ?? err?.message ?? String(e);
}
