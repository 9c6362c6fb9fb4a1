import { errors, jwtDecrypt, type JWTPayload } from 'jose';
import { camaraError, isCamaraError } from '@switchboard/camara';
import { isCanonicalCompactJwe, type TokenKeyring } from '@switchboard/tokens';
/** Who called: the client behind a valid client-credentials token, and its claims. */
export interface MachineCaller {
  readonly clientId: string;
  readonly claims: JWTPayload;
}

export interface MachineTokenVerifier {
  /** Resolves the caller, or throws a CAMARA 401 UNAUTHENTICATED / 403 PERMISSION_DENIED. */
  verify(bearer: string): Promise<MachineCaller>;
}

export interface MachineTokenVerifierDeps {
  readonly issuer: string;
  /** The API's resource indicator: tokens for any other audience are refused. */
  readonly audience: string;
  readonly scope: string;
  readonly tokenKeyring: (kid?: string) => Promise<TokenKeyring>;
  /** True while the client exists and is enabled: disabling a client stops its tokens. */
  readonly isActiveClient: (clientId: string) => Promise<boolean>;
  readonly now?: () => Date;
}

const COMPACT_JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The aggregator's token endpoint issues client-credentials tokens as JWE (`dir`, A256GCM)
 * under the same rotating keyring as AggregatorAccessTokens, each with its API's audience
 * (telco finder, operator API), so no kind of token is accepted by another API.
 */
export function createMachineTokenVerifier(deps: MachineTokenVerifierDeps): MachineTokenVerifier {
  const { audience, scope } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    async verify(bearer) {
      // Only the canonical spelling (RFC 4648 §3.5), as for AggregatorAccessTokens: one token,
      // one string.
      if (!COMPACT_JWE.test(bearer) || !isCanonicalCompactJwe(bearer))
        throw camaraError('UNAUTHENTICATED');
      const payload = await decrypt(bearer, deps, audience, now());
      const clientId = payload.client_id;
      if (typeof clientId !== 'string' || !(await deps.isActiveClient(clientId)))
        throw camaraError('UNAUTHENTICATED');
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      if (!scopes.includes(scope))
        throw camaraError('PERMISSION_DENIED', `The access token lacks the '${scope}' scope.`);
      return { clientId, claims: payload };
    },
  };
}

async function decrypt(
  bearer: string,
  deps: MachineTokenVerifierDeps,
  audience: string,
  currentDate: Date,
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtDecrypt(
      bearer,
      async (header) => {
        const keyring = await deps.tokenKeyring(header.kid);
        const key = header.kid ? keyring.find(header.kid) : undefined;
        if (!key) throw camaraError('UNAUTHENTICATED');
        return key.secret;
      },
      {
        issuer: deps.issuer,
        audience,
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        currentDate,
        requiredClaims: ['exp', 'client_id'],
      },
    );
    return payload;
  } catch (err) {
    if (err instanceof errors.JWTExpired)
      throw camaraError('UNAUTHENTICATED', 'The access token has expired');
    if (err instanceof errors.JOSEError || err instanceof TypeError || isCamaraError(err))
      throw camaraError('UNAUTHENTICATED');
    throw err;
  }
}
