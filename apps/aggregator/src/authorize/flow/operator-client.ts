import * as client from 'openid-client';
import { importJWK, type JWK } from 'jose';
import type { Operator, OperatorCredentials } from '@switchboard/telco-finder';
import { nodePrivateKeyJwt } from './client-assertion.js';
import { discoveryUrlRefusal } from '../../infra/egress/discovery-urls.js';
import { urlRefusal } from '../../infra/egress/egress-policy.js';
import type { OperatorEgress } from '../../infra/egress/operator-egress.js';
import { createDiscoveryCache } from './discovery-cache.js';
import {
  createOperatorBackendClient,
  type OperatorBackendClient,
} from './operator-backend-client.js';

export interface OperatorAuthorizationRequest {
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
  readonly scope: string;
  readonly promptNone: boolean;
}

export interface OperatorTokens {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly sub: string;
  readonly amr: string[] | undefined;
  readonly acr: string | undefined;
}

/** Switchboard as an OIDC client of each operator (Annex steps 5–6 and 14–15). */
export interface OperatorClient {
  authorizationUrl(op: Operator, request: OperatorAuthorizationRequest): Promise<URL>;
  exchange(
    op: Operator,
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<OperatorTokens>;
  /**
   * RFC 7009: revokes an OperatorAccessToken at the operator. False when the operator
   * publishes no revocation endpoint (the token then lives out its short lifetime).
   */
  revoke(op: Operator, accessToken: string): Promise<boolean>;
  /** The backend flows (CIBA, JWT-bearer) on the same discovery and egress. */
  readonly backend: OperatorBackendClient;
}

export interface OperatorClientDeps {
  /** The aggregator's callback registered at every operator. */
  readonly redirectUri: string;
  readonly credentials: (operatorId: string) => Promise<OperatorCredentials>;
  readonly discoveryTtlMs: number;
  readonly timeoutMs: number;
  /** Every request to an operator (discovery, JWKS, token, revocation) goes through it. */
  readonly egress: OperatorEgress;
}

/** An operator's discovery document names a URL Switchboard must not call nor send a browser to. */
export class OperatorMetadataError extends Error {
  override readonly name = 'OperatorMetadataError';
}

/** The operator's credentials are client_secret_basic and the ICM strict profile is on. */
export class OperatorAuthMethodRefused extends Error {
  override readonly name = 'OperatorAuthMethodRefused';
}

/** Operators whose discovery is kept at once; beyond it the least recently used is dropped. */
const MAX_CACHED_OPERATORS = 1_000;

export function createOperatorClient(deps: OperatorClientDeps): OperatorClient {
  // Stamped with the operator's version: an admin change takes effect at once.
  const cache = createDiscoveryCache<client.Configuration>({
    ttlMs: deps.discoveryTtlMs,
    maxOperators: MAX_CACHED_OPERATORS,
  });
  const configFor = (op: Operator) => cache.get(op, () => discover(op, deps));

  return {
    backend: createOperatorBackendClient({
      configFor,
      credentials: deps.credentials,
      egress: deps.egress,
      timeoutMs: deps.timeoutMs,
    }),
    async authorizationUrl(op, request) {
      const config = await configFor(op);
      return client.buildAuthorizationUrl(config, {
        redirect_uri: deps.redirectUri,
        response_type: 'code',
        scope: request.scope,
        state: request.state,
        nonce: request.nonce,
        code_challenge: request.codeChallenge,
        code_challenge_method: 'S256',
        ...(request.promptNone ? { prompt: 'none' } : {}),
      });
    },
    async exchange(op, callbackUrl, checks) {
      const config = await configFor(op);
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the operator returned no ID token');
      return {
        accessToken: tokens.access_token,
        expiresIn: tokens.expiresIn() ?? 300,
        sub: claims.sub,
        amr: Array.isArray(claims.amr) ? (claims.amr as string[]) : undefined,
        acr: typeof claims.acr === 'string' ? claims.acr : undefined,
      };
    },
    async revoke(op, accessToken) {
      const config = await configFor(op);
      if (!config.serverMetadata().revocation_endpoint) return false;
      await client.tokenRevocation(config, accessToken, { token_type_hint: 'access_token' });
      return true;
    },
  };
}

async function discover(op: Operator, deps: OperatorClientDeps): Promise<client.Configuration> {
  const egress = deps.egress.forOperator(op);
  const auth = await clientAuth(await deps.credentials(op.id));
  const config = await client.discovery(new URL(op.issuerUrl), op.clientId, undefined, auth, {
    // Plain HTTP only for operators an admin marked insecure (sandbox/dev).
    execute: op.allowInsecureHttp ? [client.allowInsecureRequests] : [],
    timeout: Math.ceil(deps.timeoutMs / 1000),
    // Kept by the configuration for every later request (JWKS, token, revocation).
    [client.customFetch]: egress.fetch,
  });
  // The document may have changed since it was registered: before any use, every URL in it
  // must meet the operator's own rules (OIDC Discovery 1.0 §3, RFC 8414 §2), else the flow
  // fails here and nothing is sent there. The egress guard stops what a name resolves to.
  const refusal = discoveryUrlRefusal(
    config.serverMetadata() as Record<string, unknown>,
    (url, label) => urlRefusal(egress.policy, url, label, { httpsOnly: true }),
  );
  if (refusal)
    throw new OperatorMetadataError(`the discovery document of operator ${op.id}: ${refusal}`);
  config.timeout = Math.ceil(deps.timeoutMs / 1000);
  return config;
}

async function clientAuth(credentials: OperatorCredentials): Promise<client.ClientAuth> {
  if (credentials.method === 'client_secret_basic')
    return client.ClientSecretBasic(credentials.clientSecret);
  const jwk = credentials.privateJwk as JWK;
  const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : jwk.kty === 'OKP' ? 'EdDSA' : 'RS256');
  const signed = nodePrivateKeyJwt(jwk as Record<string, unknown>, alg);
  if (signed) return signed;
  const key = await importJWK(jwk, alg);
  if (key instanceof Uint8Array) throw new Error('operator private key is not asymmetric');
  return client.PrivateKeyJwt({ key, ...(jwk.kid ? { kid: jwk.kid } : {}) });
}
