import { camaraError } from '@switchboard/camara';
import { headerValue, requireValue, type ProxyContext } from '../proxy-context.js';

// The media type the CAMARA specs declare for request bodies (`content: application/json`).
const APPLICATION_JSON = /^application\/json\s*(;|$)/i;

/**
 * An operation whose request schema we know (NV 2.1 / 0.3.1 `POST /verify`) is validated
 * here, answering as the spec and the operators do: no or invalid body → 400
 * INVALID_ARGUMENT (unknown properties included), another media type → 415. So a call that
 * can only fail at the operator is refused before it spends a single-use token there and here.
 * Operations without a known schema go to the operator as they are.
 */
export function checkRequestBody(ctx: ProxyContext): void {
  const check = requireValue(ctx.operation, 'operation').checkBody;
  if (!check) return;
  if (ctx.body === undefined) return check(undefined);
  const contentType = headerValue(ctx.request.headers, 'content-type');
  if (contentType === undefined || !APPLICATION_JSON.test(contentType))
    throw camaraError('UNSUPPORTED_MEDIA_TYPE');
  check(ctx.json);
}
