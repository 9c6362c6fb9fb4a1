import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** oidc-provider's own limit for a request body. */
const MAX_BODY_BYTES = 56 * 1024;

/** The whole body of a request (at most oidc-provider's limit). */
export function readRaw(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES)
    return Promise.reject(new Error('too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the connection can carry the answer.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.once('error', reject);
    req.once('end', () =>
      size > MAX_BODY_BYTES ? reject(new Error('too large')) : resolve(Buffer.concat(chunks, size)),
    );
  });
}

/**
 * The request again, its body unread: what koa (under oidc-provider) reads of a request, the
 * method, URL, headers and socket, with a stream of `raw` (the same bytes, or a rewritten body
 * with `headers` giving its length).
 */
export function replay(req: IncomingMessage, raw: Buffer, headers = req.headers): IncomingMessage {
  const body = Readable.from(raw.length ? [raw] : []);
  return Object.assign(body, {
    method: req.method,
    url: req.url,
    headers,
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    complete: true,
  }) as unknown as IncomingMessage;
}

/** A urlencoded body, read whole, with its parameters; undefined when it cannot be read. */
export async function readForm(
  req: IncomingMessage,
): Promise<{ raw: Buffer; params: URLSearchParams } | undefined> {
  try {
    const raw = await readRaw(req);
    return { raw, params: new URLSearchParams(raw.toString('utf8')) };
  } catch {
    return undefined;
  }
}
