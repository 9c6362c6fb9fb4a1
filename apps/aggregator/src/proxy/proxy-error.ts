import { CAMARA_ERRORS, CamaraError, type CamaraErrorCode } from '@switchboard/camara';

/**
 * A CAMARA error that also sets response headers: `Allow` on 405 (RFC 9110 §15.5.6),
 * `Retry-After` on 503 while a circuit is open (RFC 9110 §10.2.3).
 */
export class ProxyError extends CamaraError {
  constructor(
    code: CamaraErrorCode,
    readonly headers: Readonly<Record<string, string>>,
    options?: { message?: string; cause?: unknown },
  ) {
    const known = CAMARA_ERRORS[code];
    super(known.status, code, options?.message ?? known.message, { cause: options?.cause });
  }
}
