import { camaraError, isCamaraError } from '@switchboard/camara';
import { requireValue, type ProxyContext } from '../proxy-context.js';

/**
 * The injected verifier decrypts and validates the AggregatorAccessToken (kid, exp, iss,
 * aud). Its CamaraErrors pass through; anything else is our fault (500), never a 401.
 * `exp` is checked again here so no verifier can forward an expired operator token.
 */
export async function verifyToken(ctx: ProxyContext): Promise<void> {
  const bearer = requireValue(ctx.bearer, 'bearer');
  try {
    ctx.claims = await ctx.deps.tokenVerifier.verify(bearer);
  } catch (err) {
    if (isCamaraError(err)) throw err;
    throw camaraError('INTERNAL', undefined, { cause: err });
  }
  if (ctx.claims.exp * 1000 <= ctx.now()) {
    throw camaraError('UNAUTHENTICATED', 'The access token has expired.');
  }
}
