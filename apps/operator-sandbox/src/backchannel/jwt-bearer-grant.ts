import { compactVerify, createLocalJWKSet, decodeJwt, type JSONWebKeySet } from 'jose';
import type { Clock } from '../clock.js';
import { JWT_BEARER_GRANT, type SandboxClientConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { ConsentService } from '../services/consent-service.js';
import { parseSubscriberHint } from '../services/login-hint.js';
import type { NamedSubscriber, NetworkIdentifier } from '../services/network-identifier.js';
import type { PurposePolicy } from '../services/purpose-policy.js';
import type { TempTokenLedger } from '../operator-token/temp-token-ledger.js';
import { OPERATOR_TOKEN_AMR } from '../services/network-authentication.js';

/**
 * The JWT-bearer grant (RFC 7523 §2.1, CAMARA ICM "JWT Bearer Flow"): the assertion is both
 * the authorization grant and the client authentication. Failures are `invalid_grant`
 * (RFC 7523 §3.1, ICM Appendix A "JWT Bearer Flow"), naming the failed check; a malformed
 * request (a `scope` parameter, no assertion) is `invalid_request` and a client without the
 * grant `unauthorized_client` (ICM Appendix A "Token Error Response").
 */
export interface JwtBearerGrant {
  /**
   * `clientIds`: the clients the request names besides the assertion (`client_id`, the HTTP
   * Basic user name); any that is not the assertion's `iss` is refused.
   */
  exchange(form: URLSearchParams, clientIds?: ReadonlyArray<string>): Promise<TokenEndpointAnswer>;
}

export interface TokenEndpointAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface AccessTokenMinter {
  mint(request: {
    accountId: string;
    clientId: string;
    scope: string;
    gty: string;
    /** How the subscriber was authenticated (OIDC `amr`), when the grant shows it. */
    amr?: ReadonlyArray<string>;
  }): Promise<{ value: string; grantId: string; expiresIn: number }>;
}

export interface JwtBearerGrantDeps {
  /** This operator's token endpoint URL: the only `aud` accepted. */
  readonly tokenEndpoint: string;
  readonly clients: ReadonlyArray<SandboxClientConfig>;
  readonly purposes: PurposePolicy;
  readonly consents: ConsentService;
  readonly network: NetworkIdentifier;
  /** The entitlement service's temp_tokens, for `operatortoken:` subjects. */
  readonly operatorTokens: Pick<TempTokenLedger, 'redeem'>;
  readonly tokens: AccessTokenMinter;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** ICM: exp at most 300 s after receipt and after iat. */
const MAX_LIFETIME = 300;
/** Tolerated clock difference for `iat` (and `nbf`) in the future. */
const SKEW = 5;
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'EdDSA'];

class GrantError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_grant' | 'unauthorized_client',
    readonly description: string,
  ) {
    super(description);
  }
}

const invalidGrant = (description: string) => new GrantError('invalid_grant', description);

interface Claims {
  readonly iss: string;
  readonly sub: string;
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  readonly scope: string;
  readonly aud?: unknown;
  readonly nbf?: unknown;
}

export function createJwtBearerGrant(deps: JwtBearerGrantDeps): JwtBearerGrant {
  const usedJtis = new Map<string, number>();
  return {
    async exchange(form, clientIds = []) {
      try {
        const assertion = requestShape(form);
        const client = clientOf(deps, assertion);
        // The assertion authenticates the client (ICM); other credentials sent along are not
        // checked, but they must not name another client.
        if ([...form.getAll('client_id'), ...clientIds].some((id) => id !== client.clientId))
          throw invalidGrant("the request's client_id is not the assertion's iss");
        const claims = await verified(assertion, client);
        checkClaims(deps, claims);
        spendJti(usedJtis, claims, deps.clock.now());
        const token = await issue(deps, claims);
        return { status: 200, body: token };
      } catch (err) {
        if (!(err instanceof GrantError)) throw err;
        deps.logger.info('jwt-bearer grant refused', { error: err.error, reason: err.description });
        return { status: 400, body: { error: err.error, error_description: err.description } };
      }
    },
  };
}

/** ICM: no `scope` parameter (the scope is a claim of the assertion); one assertion. */
function requestShape(form: URLSearchParams): string {
  if (form.has('scope'))
    throw new GrantError(
      'invalid_request',
      'the scope parameter must not be sent with the JWT-bearer grant (CAMARA ICM); the assertion carries the scope claim',
    );
  const assertions = form.getAll('assertion');
  if (assertions.length !== 1 || !assertions[0])
    throw new GrantError('invalid_request', 'exactly one assertion parameter is required');
  return assertions[0];
}

function clientOf(deps: JwtBearerGrantDeps, assertion: string): SandboxClientConfig {
  let iss: unknown;
  try {
    iss = decodeJwt(assertion).iss;
  } catch {
    throw invalidGrant('the assertion is not a signed JWT');
  }
  const client = deps.clients.find((c) => c.clientId === iss);
  if (typeof iss !== 'string' || !client)
    throw invalidGrant('iss is not a client of this operator');
  if (!client.grantTypes.includes(JWT_BEARER_GRANT) || !client.jwks)
    throw new GrantError(
      'unauthorized_client',
      `client ${client.clientId} may not use the JWT-bearer grant`,
    );
  return client;
}

/** ICM: the signature with the client's registered keys; then every mandatory claim. */
async function verified(assertion: string, client: SandboxClientConfig): Promise<Claims> {
  let payload: Record<string, unknown>;
  try {
    const keys = createLocalJWKSet(client.jwks as unknown as JSONWebKeySet);
    const { payload: bytes } = await compactVerify(assertion, keys, { algorithms: ALGORITHMS });
    payload = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    throw invalidGrant(
      "the assertion's signature does not verify with the client's registered keys",
    );
  }
  for (const name of ['sub', 'jti', 'scope'] as const)
    if (typeof payload[name] !== 'string' || !payload[name])
      throw invalidGrant(`the ${name} claim is required`);
  for (const name of ['exp', 'iat'] as const)
    if (typeof payload[name] !== 'number' || !Number.isFinite(payload[name]))
      throw invalidGrant(`the ${name} claim is required (NumericDate)`);
  return payload as unknown as Claims;
}

function checkClaims(deps: JwtBearerGrantDeps, claims: Claims): void {
  const now = Math.floor(deps.clock.now() / 1000);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(deps.tokenEndpoint))
    throw invalidGrant(`aud must be this token endpoint, ${deps.tokenEndpoint}`);
  if (claims.exp - claims.iat > MAX_LIFETIME) throw invalidGrant('exp - iat exceeds 300 seconds');
  if (claims.iat > now + SKEW) throw invalidGrant('iat is in the future');
  if (typeof claims.nbf === 'number' && claims.nbf > now + SKEW)
    throw invalidGrant('the assertion is not valid yet (nbf)');
  if (claims.exp <= now) throw invalidGrant('the assertion has expired');
  if (claims.exp > now + MAX_LIFETIME)
    throw invalidGrant('exp is more than 300 seconds after receipt');
}

/**
 * RFC 7523 §3: a `jti` is used once; remembered until the assertion's own expiry (later it
 * fails the exp check anyway). Spent before the subject and scope checks, so two concurrent
 * requests with one assertion cannot both pass.
 */
function spendJti(used: Map<string, number>, claims: Claims, nowMs: number): void {
  for (const [key, exp] of used) if (exp * 1000 <= nowMs) used.delete(key);
  const key = `${claims.iss}\n${claims.jti}`;
  if (used.has(key)) throw invalidGrant('the jti has already been used');
  used.set(key, claims.exp);
}

/** Subject, scope, consent; the subscriber is recorded only once the grant is accepted. */
async function issue(deps: JwtBearerGrantDeps, claims: Claims) {
  const { subscriber, amr } = subjectOf(deps, claims.sub);
  const check = deps.purposes.check(claims.scope);
  if (!check.ok) throw invalidGrant(`scope claim: ${check.reason}`);
  const { purpose, basis } = check.request;
  const { accountId } = subscriber;
  const state = deps.consents.state(accountId, claims.iss, purpose, basis);
  // ICM: rejected when the legal basis needs consent and the subscriber has not given it.
  if (state === 'missing')
    throw invalidGrant(`the subscriber has not consented to ${purpose} for this client`);
  await deps.network.remember(subscriber);
  const scope = claims.scope
    .split(' ')
    .filter((s) => s && s !== 'openid')
    .join(' ');
  const token = await deps.tokens.mint({
    accountId,
    clientId: claims.iss,
    scope,
    gty: 'jwt-bearer',
    ...(amr ? { amr } : {}),
  });
  if (state === 'given')
    await deps.consents.attachGrant(accountId, claims.iss, purpose, token.grantId);
  deps.logger.info('token issued', { clientId: claims.iss, grant: 'jwt-bearer', purpose });
  return { access_token: token.value, token_type: 'Bearer', expires_in: token.expiresIn, scope };
}

const REDEMPTION_REFUSALS = {
  unknown: 'the operator token is unknown',
  expired: 'the operator token has expired',
  used: 'the operator token was already used',
} as const;

/**
 * ICM "JWT Bearer Flow": `sub` is `tel:+E164` (the client names the line; no authentication of
 * the subscriber, so no `amr`) or `operatortoken:<temp_token>` ("JWT Bearer Flow with Operator
 * Token"): the line the entitlement service bound the token to when it authenticated the SIM.
 * A temp_token is spent here, once, before the scope and consent checks.
 */
function subjectOf(
  deps: JwtBearerGrantDeps,
  sub: string,
): { subscriber: NamedSubscriber; amr?: ReadonlyArray<string> } {
  const parsed = parseSubscriberHint(sub);
  if (!parsed.ok) throw invalidGrant(`sub ${parsed.reason}`);
  if (parsed.hint.kind === 'operatortoken') {
    const redemption = deps.operatorTokens.redeem(parsed.hint.token);
    if (!redemption.ok) throw invalidGrant(REDEMPTION_REFUSALS[redemption.reason]);
    const subscriber = deps.network.find({ msisdn: redemption.msisdn });
    // The config only gives entitlements to the instance's own subscribers.
    if (!subscriber) throw new Error('an operator token names a line this operator does not serve');
    return { subscriber, amr: OPERATOR_TOKEN_AMR };
  }
  if (parsed.hint.kind !== 'tel')
    throw invalidGrant('sub must be tel:+E164 or operatortoken:… (CAMARA ICM JWT Bearer Flow)');
  const subscriber = deps.network.find({ msisdn: parsed.hint.msisdn });
  if (!subscriber) throw invalidGrant('sub is not a subscriber of this operator');
  return { subscriber };
}
