import { camaraError } from '@switchboard/camara';
import { headerValue, type ProxyContext } from '../proxy-context.js';

// RFC 6750 §2.1: `Bearer` (case-insensitive) SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export function parseBearer(ctx: ProxyContext): void {
  const header = headerValue(ctx.request.headers, 'authorization');
  if (header === undefined) throw camaraError('UNAUTHENTICATED', 'An access token is required.');
  const value = header.trim();
  const known = knownToken(ctx, value);
  if (known !== undefined) {
    ctx.bearer = known;
    return;
  }
  const match = BEARER.exec(value);
  if (!match?.[1]) throw camaraError('UNAUTHENTICATED', 'The access token is malformed.');
  ctx.bearer = match[1];
}

const SPACE = 0x20;
const LOWER_BEARER = [0x62, 0x65, 0x61, 0x72, 0x65, 0x72]; // "bearer"

/**
 * The token of `Bearer <token>` when it is one the verifier holds as verified: such a token
 * passed BEARER when it was first presented, so only the scheme and the spaces before it are
 * read here, not its ~700 characters again (the regular expression was one of the larger
 * costs of ours per call). Same acceptance as BEARER: `bearer` in any ASCII case, then spaces.
 */
function knownToken(ctx: ProxyContext, value: string): string | undefined {
  const known = ctx.deps.tokenVerifier.known;
  if (!known || value.length <= 7) return undefined;
  for (let i = 0; i < 6; i++)
    if ((value.charCodeAt(i) | 0x20) !== LOWER_BEARER[i]) return undefined;
  if (value.charCodeAt(6) !== SPACE) return undefined;
  let start = 7;
  while (value.charCodeAt(start) === SPACE) start++;
  const token = value.slice(start);
  return known.call(ctx.deps.tokenVerifier, token) ? token : undefined;
}
