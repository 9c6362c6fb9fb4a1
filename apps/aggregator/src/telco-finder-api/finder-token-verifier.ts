import { errors, jwtDecrypt, type JWTPayload } from 'jose';
import { camaraError, isCamaraError } from '@switchboard/camara';
import type { TokenKeyring } from '@switchboard/tokens';
import { TELCO_FINDER_SCOPE, telcoFinderAudience } from './telco-finder-scope.js';

/** Who called the finder: the client behind a valid client-credentials token. */
export interface FinderCaller {
  readonly clientId: string;
}

export interface FinderTokenVerifier {
  /** Resolves the caller, or throws a CAMARA 401 UNAUTHENTICATED / 403 PERMISSION_DENIED. */
  verify(bearer: string): Promise<FinderCaller>;
}

export interface FinderTokenVerifierDeps {
  readonly issuer: string;
  readonly tokenKeyring: (kid?: string) => Promise<TokenKeyring>;
  /** True while the client exists and is enabled: disabling a client stops its tokens. */
  readonly isActiveClient: (clientId: string) => Promise<boolean>;
  readonly now?: () => Date;
}

const COMPACT_JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The aggregator's token endpoint issues client-credentials tokens as JWE (`dir`, A256GCM)
 * under the same rotating keyring as AggregatorAccessTokens, but with the finder audience.
 */
export function createFinderTokenVerifier(deps: FinderTokenVerifierDeps): FinderTokenVerifier {
  const audience = telcoFinderAudience(deps.issuer);
  const now = deps.now ?? (() => new Date());
  return {
    async verify(bearer) {
      if (!COMPACT_JWE.test(bearer)) throw camaraError('UNAUTHENTICATED');
      const payload = await decrypt(bearer, deps, audience, now());
      const clientId = payload.client_id;
      if (typeof clientId !== 'string' || !(await deps.isActiveClient(clientId)))
        throw camaraError('UNAUTHENTICATED');
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      if (!scopes.includes(TELCO_FINDER_SCOPE))
        throw camaraError(
          'PERMISSION_DENIED',
          `The access token lacks the '${TELCO_FINDER_SCOPE}' scope.`,
        );
      return { clientId };
    },
  };
}

async function decrypt(
  bearer: string,
  deps: FinderTokenVerifierDeps,
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
