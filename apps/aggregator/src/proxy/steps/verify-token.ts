import { camaraError, isCamaraError } from '@switchboard/camara';
import { requireValue, type ProxyClaims, type ProxyContext } from '../proxy-context.js';

/**
 * The injected verifier decrypts and validates the AggregatorAccessToken (kid, exp, iss,
 * aud). Its CamaraErrors pass through; anything else is our fault (500), never a 401.
 * `exp` is checked again here so no verifier can forward an expired operator token.
 */
export function verifyToken(ctx: ProxyContext): Promise<void> | undefined {
  const bearer = requireValue(ctx.bearer, 'bearer');
  // A token verified before, its key ring still in force: no promise (the usual call).
  const known = ctx.deps.tokenVerifier.known?.(bearer);
  if (known) return void accept(ctx, known);
  return ctx.deps.tokenVerifier.verify(bearer).then(
    (claims) => accept(ctx, claims),
    (err: unknown) => {
      if (isCamaraError(err)) throw err;
      throw camaraError('INTERNAL', undefined, { cause: err });
    },
  );
}

function accept(ctx: ProxyContext, claims: ProxyClaims): void {
  ctx.claims = claims;
  if (claims.exp * 1000 <= ctx.now()) {
    throw camaraError('UNAUTHENTICATED', 'The access token has expired.');
  }
}
