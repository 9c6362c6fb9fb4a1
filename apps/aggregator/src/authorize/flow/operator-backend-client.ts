import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { importJWK, SignJWT, type JWK } from 'jose';
import type { Operator, OperatorCredentials } from '@switchboard/telco-finder';
import type { OperatorEgress } from '../../infra/egress/operator-egress.js';
import { CIBA_GRANT, JWT_BEARER_GRANT } from '../grant-types.js';

/** What an operator's discovery document says it offers for backend flows (ICM r4.2). */
export interface BackendCapabilities {
  /** CIBA in poll mode: a backchannel endpoint, `poll` delivery and the CIBA grant. */
  readonly ciba: boolean;
  readonly jwtBearer: boolean;
}

export interface OperatorBackchannelStart {
  readonly authReqId: string;
  /** Seconds. */
  readonly expiresIn: number;
  /** Seconds; CIBA Core §7.3: 5 when the operator names none. */
  readonly interval: number;
}

export interface OperatorBackendTokens {
  readonly accessToken: string;
  /** Seconds. */
  readonly expiresIn: number;
  readonly amr: string[] | undefined;
  readonly acr: string | undefined;
}

/** Switchboard as a backend client of an operator: CIBA poll and JWT-bearer (ICM r4.2). */
export interface OperatorBackendClient {
  capabilities(op: Operator): Promise<BackendCapabilities>;
  startBackchannel(
    op: Operator,
    request: { loginHint: string; scope: string },
  ): Promise<OperatorBackchannelStart>;
  /** One poll of the operator's token endpoint; OAuth errors throw openid-client's ResponseBodyError. */
  pollBackchannel(op: Operator, authReqId: string): Promise<OperatorBackendTokens>;
  /**
   * A two-legged token of Switchboard itself at the operator (RFC 6749 §4.4), authenticated
   * with Switchboard's registered credentials: GSMA OPG.10 "API End-points" (Network Id,
   * telco finder).
   */
  clientCredentials(op: Operator): Promise<{ accessToken: string; expiresIn: number }>;
  /** ICM JWT-bearer: Switchboard's own assertion for `subject`, signed with its key at the operator. */
  jwtBearer(
    op: Operator,
    request: { subject: string; scope: string },
  ): Promise<OperatorBackendTokens>;
}

export interface OperatorBackendDeps {
  readonly configFor: (op: Operator) => Promise<client.Configuration>;
  readonly credentials: (operatorId: string) => Promise<OperatorCredentials>;
  readonly egress: OperatorEgress;
  readonly timeoutMs: number;
}

/** CIBA Core §7.3. */
const DEFAULT_INTERVAL = 5;
/** Seconds Switchboard's assertion to an operator lives (ICM: at most 300). */
const ASSERTION_TTL = 60;

/** The operator cannot take a JWT-bearer assertion from Switchboard (no key registered there). */
export class OperatorAssertionKeyError extends Error {
  override readonly name = 'OperatorAssertionKeyError';
}

export function createOperatorBackendClient(deps: OperatorBackendDeps): OperatorBackendClient {
  return {
    async capabilities(op) {
      return capabilitiesOf((await deps.configFor(op)).serverMetadata());
    },
    async startBackchannel(op, request) {
      const config = await deps.configFor(op);
      const started = await client.initiateBackchannelAuthentication(config, {
        login_hint: request.loginHint,
        scope: request.scope,
      });
      return {
        authReqId: started.auth_req_id,
        expiresIn: started.expires_in,
        interval: positive(started.interval) ?? DEFAULT_INTERVAL,
      };
    },
    async pollBackchannel(op, authReqId) {
      const config = await deps.configFor(op);
      return tokensOf(
        await client.genericGrantRequest(config, CIBA_GRANT, { auth_req_id: authReqId }),
      );
    },
    async clientCredentials(op) {
      const tokens = await client.clientCredentialsGrant(await deps.configFor(op));
      return { accessToken: tokens.access_token, expiresIn: tokens.expiresIn() ?? 300 };
    },
    async jwtBearer(op, request) {
      const config = await deps.configFor(op);
      const credentials = await deps.credentials(op.id);
      if (credentials.method !== 'private_key_jwt')
        throw new OperatorAssertionKeyError(
          `Switchboard's registration at operator ${op.id} has no private key to sign assertions with`,
        );
      const tokenEndpoint = config.serverMetadata().token_endpoint;
      if (!tokenEndpoint) throw new Error(`operator ${op.id} publishes no token endpoint`);
      const assertion = await signAssertion(credentials.privateJwk as JWK, {
        iss: op.clientId,
        sub: request.subject,
        aud: tokenEndpoint,
        scope: request.scope,
      });
      // ICM "JWT Bearer Flow": the assertion is the client authentication, so none is added.
      const bare = new client.Configuration(
        config.serverMetadata(),
        op.clientId,
        undefined,
        client.None(),
      );
      if (op.allowInsecureHttp) client.allowInsecureRequests(bare);
      bare[client.customFetch] = deps.egress.forOperator(op).fetch;
      bare.timeout = Math.ceil(deps.timeoutMs / 1000);
      return tokensOf(await client.genericGrantRequest(bare, JWT_BEARER_GRANT, { assertion }));
    },
  };
}

function capabilitiesOf(metadata: client.ServerMetadata): BackendCapabilities {
  const grants = Array.isArray(metadata.grant_types_supported)
    ? (metadata.grant_types_supported as string[])
    : [];
  const modes = metadata.backchannel_token_delivery_modes_supported;
  return {
    ciba:
      typeof metadata.backchannel_authentication_endpoint === 'string' &&
      grants.includes(CIBA_GRANT) &&
      Array.isArray(modes) &&
      modes.includes('poll'),
    jwtBearer: grants.includes(JWT_BEARER_GRANT),
  };
}

function tokensOf(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers) {
  const claims = tokens.id_token ? tokens.claims() : undefined;
  return {
    accessToken: tokens.access_token,
    expiresIn: tokens.expiresIn() ?? 300,
    amr: Array.isArray(claims?.amr) ? (claims.amr as string[]) : undefined,
    acr: typeof claims?.acr === 'string' ? claims.acr : undefined,
  };
}

async function signAssertion(
  jwk: JWK,
  claims: { iss: string; sub: string; aud: string; scope: string },
): Promise<string> {
  const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : jwk.kty === 'OKP' ? 'EdDSA' : 'RS256');
  const key = await importJWK(jwk, alg);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: claims.scope })
    .setProtectedHeader({ alg, typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .setIssuer(claims.iss)
    .setSubject(claims.sub)
    .setAudience(claims.aud)
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_TTL)
    .setJti(randomBytes(24).toString('base64url'))
    .sign(key);
}

const positive = (n: unknown) =>
  typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.ceil(n) : undefined;
