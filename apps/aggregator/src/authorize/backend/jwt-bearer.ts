import {
  createLocalJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import type { Knex } from 'knex';
import { API_SCOPES, offersScope } from '@switchboard/camara';
import type { Logger, Operator, TelcoFinder } from '@switchboard/telco-finder';
import { mintAggregatorAccessToken, type TokenKeyring } from '@switchboard/tokens';
import type { BackendClient } from '../../clients/client-service.js';
import {
  OperatorAssertionKeyError,
  type OperatorBackendClient,
} from '../flow/operator-backend-client.js';
import { operatorText, scopesNotOffered } from '../flow/operator-errors.js';
import { translateScope } from '../flow/scope-translation.js';
import { appTokenScope } from '../oidc/scopes.js';
import { pairwiseSubject } from '../pairwise-subject.js';
import { spendAssertionId } from '../store/backchannel-store.js';
import { nvScopeOf, VCT_BY_SCOPE } from '../../openid4vp/openid4vp-scope.js';
import { operatorRefusal } from './backend-errors.js';
import { parseSubject } from './login-hint.js';
import type { OperatorTokenResult, VpTokenExchangeInput } from './vp-token-exchange.js';

/** An OAuth token error response (RFC 6749 §5.2). */
export class GrantError extends Error {
  override readonly name = 'GrantError';
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

export interface JwtBearerDeps {
  readonly issuer: string;
  /** The exact URL apps send the grant to, their assertions' `aud` (ICM). */
  readonly tokenEndpoint: string;
  /** The AggregatorAccessToken's audience. */
  readonly audience: string;
  readonly knex: Knex;
  readonly backendClient: (id: string) => Promise<BackendClient | undefined>;
  readonly finder: TelcoFinder;
  readonly backend: OperatorBackendClient;
  readonly tokenKeyring: () => Promise<TokenKeyring>;
  readonly pairwiseSecret: Buffer;
  /** Seconds (≤ 300). */
  readonly accessTokenMaxTtl: number;
  readonly logger: Logger;
  /**
   * The operator-token path (`sub = vp_token:<SD-JWT>`, CAMARA NV "Operator Token
   * Acquisition" guide §5); absent, such subjects are refused.
   */
  readonly vpToken?: (input: VpTokenExchangeInput) => Promise<OperatorTokenResult>;
}

/** The guide's subject prefix for an operator token presented by an app (§5.1 step 0). */
export const VP_TOKEN_PREFIX = 'vp_token:';

/** ICM "JWT Bearer Flow": at most 300 s between `iat` and `exp`, and from receipt to `exp`. */
const MAX_LIFETIME = 300;
/** Seconds a client's clock may run ahead of ours for `iat`. */
const CLOCK_SKEW = 5;
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'EdDSA'];

const invalid = (description: string) => new GrantError('invalid_grant', description);

/**
 * A client's key set per registered JWKS object. jose keeps the keys it imported inside the
 * set, so a client's key is imported once while its row stays cached, not per assertion; an
 * admin change to the client brings a new row and so a new set.
 */
const keySets = new WeakMap<object, ReturnType<typeof createLocalJWKSet>>();
function keySetOf(client: BackendClient) {
  let keySet = keySets.get(client.jwks);
  if (!keySet) {
    keySet = createLocalJWKSet(client.jwks as JSONWebKeySet);
    keySets.set(client.jwks, keySet);
  }
  return keySet;
}

/**
 * The JWT-bearer grant (RFC 7523, ICM r4.2 "JWT Bearer Flow") through the aggregator: the
 * app's assertion, which is also its client authentication, is checked here; Switchboard then
 * signs its own assertion for the subscriber's operator, exchanges it, and wraps the
 * operator's token in an AggregatorAccessToken. Every refusal of the request is
 * `invalid_grant` naming the failed check; an operator out of reach is `temporarily_unavailable`.
 */
export function createJwtBearerGrant(deps: JwtBearerDeps) {
  /** Who the assertion says sent it, before anything is verified (to find its keys and budget). */
  function claimedClient(params: URLSearchParams): string | undefined {
    try {
      const iss = decodeJwt(params.get('assertion') ?? '').iss;
      return typeof iss === 'string' ? iss : undefined;
    } catch {
      return undefined;
    }
  }

  async function verify(params: URLSearchParams) {
    for (const [name] of params)
      if (params.getAll(name).length > 1) throw invalid(`${name} is given more than once`);
    if (params.has('scope'))
      throw invalid('the scope parameter must not be sent: put scope in the assertion (ICM)');
    const assertion = params.get('assertion');
    if (!assertion) throw invalid('assertion is required');
    const clientId = claimedClient(params);
    if (!clientId) throw invalid('the assertion is not a JWT with an iss claim');
    const client = await deps.backendClient(clientId);
    if (!client)
      throw invalid('the assertion iss is not a backend client allowed the JWT-bearer grant');
    const payload = await verifySignatureAndTimes(assertion, client);
    const scope = scopeOf(payload, client);
    const subject = subjectOf(payload, client);
    const spent = { jti: payload.jti!, expiresAt: new Date(payload.exp! * 1000) };
    // The vp_token: path spends the jti once the SD-JWT passed its checks (refused input
    // writes nothing), in the statement that takes the ephemeral key.
    if (
      subject.kind === 'tel' &&
      !(await spendAssertionId(deps.knex, client.id, spent.jti, spent.expiresAt))
    )
      throw invalid('the assertion jti was used already');
    return { client, scope, subject, spent };
  }

  async function verifySignatureAndTimes(assertion: string, client: BackendClient) {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, keySetOf(client), {
        issuer: client.id,
        audience: deps.tokenEndpoint,
        algorithms: ALGORITHMS,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
      }));
    } catch (err) {
      throw invalid(assertionFailure(err, deps.tokenEndpoint));
    }
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp, jti } = payload as { iat: number; exp: number; jti: unknown };
    if (iat > now + CLOCK_SKEW) throw invalid('the assertion iat is in the future');
    if (exp - iat > MAX_LIFETIME)
      throw invalid(`the assertion exp must be at most ${MAX_LIFETIME} seconds after its iat`);
    if (exp - now > MAX_LIFETIME)
      throw invalid(`the assertion exp must be at most ${MAX_LIFETIME} seconds from now`);
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
      throw invalid('the assertion jti must be a string of 1 to 256 characters');
    return payload;
  }

  function scopeOf(payload: JWTPayload, client: BackendClient) {
    const requested = typeof payload.scope === 'string' ? payload.scope : undefined;
    if (!requested)
      throw invalid('the assertion needs a scope claim with a dpv: purpose and API scopes');
    const checked = appTokenScope(requested, client.allowedScopes, true);
    if ('refusal' in checked) throw invalid(`scope: ${checked.refusal}`);
    const words = requested.split(' ');
    const apiScopes = API_SCOPES.filter((s) => words.includes(s));
    const unknown = words.filter(
      (w) => w && !w.startsWith('dpv:') && w !== 'openid' && !API_SCOPES.includes(w),
    );
    if (unknown.length) throw invalid(`scope: unknown scope values ${unknown.join(' ')}`);
    if (!apiScopes.length) throw invalid('scope: name at least one CAMARA API scope');
    const purpose = checked.scope.split(' ')[0]!;
    return [purpose, ...apiScopes].join(' ');
  }

  function subjectOf(payload: JWTPayload, client: BackendClient) {
    const sub = String(payload.sub);
    if (sub.startsWith(VP_TOKEN_PREFIX)) {
      if (!deps.vpToken) throw invalid('vp_token: subjects are not served by this aggregator');
      if (!nvScopeOf(String(payload.scope)))
        throw invalid(
          `scope: a vp_token: subject needs exactly one of ${Object.keys(VCT_BY_SCOPE).join(', ')}`,
        );
      return { kind: 'vp_token' as const, sdJwt: sub.slice(VP_TOKEN_PREFIX.length) };
    }
    const subject = parseSubject(sub);
    if ('refusal' in subject) throw invalid(`sub: ${subject.refusal}`);
    if (subject.kind !== 'tel')
      throw invalid('sub must be tel:+E164 for the JWT-bearer grant (ICM)');
    if (!client.trustTelSubject)
      throw invalid(
        'this client is not trusted to name a tel: subject (an admin allows it with --trust-tel-subject)',
      );
    return subject;
  }

  async function grant(
    params: URLSearchParams,
  ): Promise<{ clientId: string; body: TokenResponse }> {
    const verified = await verify(params);
    const { client, scope, subject } = verified;
    if (subject.kind === 'vp_token') {
      const result = await deps.vpToken!({
        client,
        scope,
        sdJwt: subject.sdJwt,
        assertion: verified.spent,
      });
      return mint(client, scope, result.operator, result, `openid4vp:${result.credentialId}`);
    }
    const match = deps.finder.lookupPhoneNumber(subject.phoneNumber);
    if (!match || match.operator.status !== 'active')
      throw invalid('no mobile operator served by this aggregator knows this subscriber');
    const op = match.operator;
    const notOffered = scope.split(' ').filter((s) => !offersScope(op.supportedApis, s));
    if (notOffered.length) throw invalid(scopesNotOffered(notOffered).description);
    let tokens;
    try {
      if (!(await deps.backend.capabilities(op)).jwtBearer)
        throw invalid("the subscriber's mobile operator does not accept the JWT-bearer grant");
      tokens = await deps.backend.jwtBearer(op, {
        subject: subject.hint,
        scope: translateScope(scope, op.scopeStyle),
      });
    } catch (err) {
      if (err instanceof GrantError) throw err;
      throw operatorFailure(err, client.id, op.id);
    }
    return mint(client, scope, op, tokens, subject.hint);
  }

  /** The AggregatorAccessToken around the operator's token, routed to that operator. */
  async function mint(
    client: BackendClient,
    scope: string,
    op: Operator,
    tokens: { accessToken: string; expiresIn: number },
    subjectHint: string,
  ): Promise<{ clientId: string; body: TokenResponse }> {
    const ttl = Math.max(1, Math.min(tokens.expiresIn, deps.accessTokenMaxTtl));
    const { token } = await mintAggregatorAccessToken({
      keyring: await deps.tokenKeyring(),
      issuer: deps.issuer,
      audience: deps.audience,
      clientId: client.id,
      subject: pairwiseSubject(deps.pairwiseSecret, client.id, op.id, subjectHint),
      scope,
      ttl,
      routing: { operatorId: op.id, apiRoot: op.apiRoot, operatorAccessToken: tokens.accessToken },
    });
    deps.logger.info('operator token obtained', {
      clientId: client.id,
      operatorId: op.id,
      grant: 'jwt-bearer',
    });
    return {
      clientId: client.id,
      body: { access_token: token, token_type: 'Bearer', expires_in: ttl, scope },
    };
  }

  function operatorFailure(err: unknown, clientId: string, operatorId: string): GrantError {
    deps.logger.info('operator refused a JWT-bearer grant', {
      clientId,
      operatorId,
      error: operatorText(err instanceof Error ? err.message : String(err)),
    });
    if (err instanceof OperatorAssertionKeyError)
      return invalid(
        "the aggregator holds no key to sign assertions for the subscriber's mobile operator",
      );
    const refusal = operatorRefusal(err);
    if (refusal.error === 'temporarily_unavailable')
      return new GrantError(refusal.error, refusal.description, 503);
    return invalid(refusal.description);
  }

  return { claimedClient, grant };
}

function assertionFailure(err: unknown, tokenEndpoint: string): string {
  if (err instanceof joseErrors.JWTExpired) return 'the assertion has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return `the assertion aud must be the token endpoint ${tokenEndpoint}`;
    if (err.claim === 'iss') return 'the assertion iss must be the client id';
    if (err.reason === 'missing') return `the assertion needs a ${err.claim} claim`;
    return `the assertion ${err.claim} claim is invalid`;
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return "the assertion signature does not verify with the client's registered keys";
  if (err instanceof joseErrors.JWKSNoMatchingKey)
    return "no registered key of the client matches the assertion's kid and alg";
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the assertion alg is not allowed';
  return 'the assertion is not a valid signed JWT';
}
