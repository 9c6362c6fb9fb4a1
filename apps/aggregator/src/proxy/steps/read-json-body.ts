import { camaraError } from '@switchboard/camara';
import { headerValue, type ProxyContext } from '../proxy-context.js';

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const EMPTY = Buffer.alloc(0);

export function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_MEDIA_TYPE.test(contentType);
}

/** True when `body` parses as JSON; used for both the app's and the operator's bodies. */
export function isWellFormedJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the body (the reader enforces the size limit) and refuses malformed JSON with
 * CAMARA 400 INVALID_ARGUMENT. The parsed value is kept for checkRequestBody; the bytes are
 * forwarded unchanged, never re-serialised.
 */
export function readJsonBody(ctx: ProxyContext): Promise<void> {
  return ctx.request.readBody().then((body) => takeJsonBody(ctx, body));
}

function takeJsonBody(ctx: ProxyContext, body: Buffer | undefined): void {
  const contentType = headerValue(ctx.request.headers, 'content-type');
  const expectsBody = BODY_METHODS.has(ctx.request.method.toUpperCase());
  if (isJsonMediaType(contentType) && expectsBody) {
    try {
      ctx.json = JSON.parse((body ?? EMPTY).toString('utf8')) as unknown;
    } catch {
      throw camaraError('INVALID_ARGUMENT', 'The request body is not well-formed JSON.');
    }
  }
  if (body !== undefined && body.length > 0) ctx.body = body;
}
