import { camaraError } from '@switchboard/camara';
import { headerValue, type ProxyContext } from '../proxy-context.js';

// RFC 6750 §2.1: `Bearer` (case-insensitive) SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export function parseBearer(ctx: ProxyContext): void {
  const header = headerValue(ctx.request.headers, 'authorization');
  if (header === undefined) throw camaraError('UNAUTHENTICATED', 'An access token is required.');
  const match = BEARER.exec(header.trim());
  if (!match?.[1]) throw camaraError('UNAUTHENTICATED', 'The access token is malformed.');
  ctx.bearer = match[1];
}
