import type { IncomingMessage } from 'node:http';
import { camaraError } from '@switchboard/camara';

/** Default request body limit; a CAMARA NV body is well under 1 kB. */
export const DEFAULT_MAX_REQUEST_BYTES = 65_536;

function tooLarge(): Error {
  // The contract: an oversized body is a CAMARA 400 INVALID_ARGUMENT.
  return camaraError('INVALID_ARGUMENT', 'The request body exceeds the size limit.');
}

/**
 * Buffers the app's request body up to `limit` bytes. Compressed bodies are refused (415):
 * the bytes are forwarded unchanged, and the operator is not promised to accept them.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return Promise.reject(camaraError('UNSUPPORTED_MEDIA_TYPE'));
  }
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
  if (req.readableEnded) return Promise.resolve(undefined);
  // Inline, unnamed listeners: the aggregator runs under tsx, whose keepNames wraps every
  // named function made per request in a defineProperty call (seen in the proxy's profile).
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return; // refused already: the rest is drained
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    // `on`, not `once`: 'end' comes once, and a second 'error' finds the promise settled;
    // `once` wraps each listener in a bound function and an object, every call.
    req.on('error', reject);
    // A CAMARA body mostly comes in one chunk: kept as it is, not copied.
    req.on('end', () =>
      resolve(
        size === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size),
      ),
    );
  });
}
