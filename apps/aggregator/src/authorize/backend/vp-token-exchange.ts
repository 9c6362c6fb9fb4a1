import type * as x509 from '@peculiar/x509';
import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type KeyObject,
} from 'node:crypto';
import { decodeProtectedHeader, type JWK } from 'jose';
import type { Knex } from 'knex';
import * as oauth from 'openid-client';
import { offersScope } from '@switchboard/camara';
import type { Logger, Operator, TelcoFinder } from '@switchboard/telco-finder';
import type { SecretBox } from '@switchboard/tokens';
import { GrantError } from './jwt-bearer.js';
import { operatorRefusal } from './backend-errors.js';
import type { OperatorBackendClient } from '../flow/operator-backend-client.js';
import { operatorText, scopesNotOffered } from '../flow/operator-errors.js';
import { translateScope } from '../flow/scope-translation.js';
import type { BackendClient } from '../../clients/client-service.js';
import { ephemeralKeyContext, sha256 } from '../../openid4vp/credential-request.js';
import { nvScopeOf, VCT_BY_SCOPE } from '../../openid4vp/openid4vp-scope.js';
import { SdJwtError, verifySdJwt, type VerifiedSdJwt } from '../../openid4vp/sd-jwt-verifier.js';
import { nodeCertificates } from '../../openid4vp/x509-certificates.js';
import {
  writeExchangeAudit,
  type ExchangeAuditDetail,
} from '../../openid4vp/store/openid4vp-audit-store.js';
import {
  findOpenId4VpRequest,
  spendJtiAndTakeEphemeralKey,
  type OpenId4VpRequestRow,
} from '../../openid4vp/store/openid4vp-request-store.js';

export interface VpTokenExchangeDeps {
  readonly knex: Knex;
  readonly secretBox: SecretBox;
  readonly finder: TelcoFinder;
  readonly backend: OperatorBackendClient;
  /**
   * OPENID4VP_TELEPHONY_TRUST_ANCHORS, parsed; undefined: every exchange is refused. Converted
   * to node:crypto certificates once, here.
   */
  readonly trustAnchors: readonly x509.X509Certificate[] | undefined;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface VpTokenExchangeInput {
  readonly client: BackendClient;
  /** The assertion's checked scope: one `dpv:` purpose and the API scopes. */
  readonly scope: string;
  readonly sdJwt: string;
  /**
   * The app assertion's `jti` and `exp`: spent in the statement that takes the ephemeral key,
   * once the SD-JWT passed its checks (refused input writes nothing).
   */
  readonly assertion: { readonly jti: string; readonly expiresAt: Date };
}

export interface OperatorTokenResult {
  readonly operator: Operator;
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly credentialId: string;
}

const invalid = (description: string) => new GrantError('invalid_grant', description);
const MCC_MNC = /^[0-9]{5,6}$/;
const COMPACT_JWE =
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The `vp_token:` subject of the JWT-bearer grant: the guide's §5.1 (SD-JWT checks), §5.2 (the
 * JWE with the request's ephemeral key, used once) and §5.3 (ICM "JWT Bearer Flow with
 * Operator Token" at the operator named by `carrier_hint`). Each step is one check of
 * docs/operator-token.md, refused with `invalid_grant` naming it; every exchange that reached
 * the ephemeral key is in the audit log with the consent_data_hash.
 */
export function createVpTokenExchange(deps: VpTokenExchangeDeps) {
  const now = () => new Date((deps.now ?? Date.now)());
  const trustAnchors = deps.trustAnchors && nodeCertificates(deps.trustAnchors);

  async function checkSdJwt(input: VpTokenExchangeInput) {
    if (!trustAnchors) throw invalid('no Telephony trust anchors are configured');
    let verified: VerifiedSdJwt;
    try {
      verified = await verifySdJwt(input.sdJwt, trustAnchors, now());
    } catch (err) {
      if (err instanceof SdJwtError) throw invalid(err.message);
      throw err;
    }
    const { binding, issuer, issuerJwt } = verified;
    const aud = binding.aud;
    if (typeof aud !== 'string' || !allowedAudiences(input.client).has(aud))
      throw invalid(
        "the Binding JWT aud is not one of this client's allowed origins or APK key hashes",
      );
    const nonce = binding.nonce;
    const request =
      typeof nonce === 'string' && nonce.length <= 256
        ? await findOpenId4VpRequest(deps.knex, input.client.id, nonce, now())
        : undefined;
    if (!request)
      throw invalid('the Binding JWT nonce names no unexpired credential request of this client');
    if (VCT_BY_SCOPE[nvScopeOf(input.scope) ?? ''] !== request.vct)
      throw invalid(
        `the assertion scope does not ask for what the credential request did (${request.scope})`,
      );
    if (issuer.vct !== request.vct) throw invalid(`the Issuer JWT vct must be ${request.vct}`);
    if (binding.sd_hash !== sha256(`${issuerJwt}~`))
      throw invalid('the Binding JWT sd_hash is not the hash of the Issuer JWT and ~');
    if (binding.consent_data_hash !== request.consent_data_hash)
      throw invalid('the Binding JWT consent_data_hash is not the hash of the consent_data shown');
    if (
      typeof binding.encrypted_credential !== 'string' ||
      !COMPACT_JWE.test(binding.encrypted_credential)
    )
      throw invalid('the Binding JWT encrypted_credential must be a compact JWE');
    return { binding, request, jwe: binding.encrypted_credential };
  }

  /** §5.2: the key left the database to this caller alone; it is used once, then dropped. */
  async function decryptTempToken(
    request: Omit<OpenId4VpRequestRow, 'ephemeral_key_enc'>,
    sealed: string | undefined,
    jwe: string,
  ) {
    if (sealed === undefined) throw invalid('the ephemeral key was used already');
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(jwe);
    } catch {
      throw invalid('the encrypted_credential header is not a JSON object');
    }
    if (header.kid !== request.id)
      throw invalid('the encrypted_credential kid is not the credential id');
    let plaintext: Buffer;
    try {
      const jwk = JSON.parse(
        deps.secretBox.open(sealed, ephemeralKeyContext(request.id, request.client_id)),
      ) as JWK;
      plaintext = decryptEcdhEsA128Gcm(jwe, header, createPrivateKey({ key: jwk, format: 'jwk' }));
    } catch {
      throw invalid(
        "the encrypted_credential does not decrypt (ECDH-ES, A128GCM) with the credential request's key",
      );
    }
    const temp = parseTempToken(plaintext);
    if (!temp) throw invalid('the encrypted_credential holds no temp_token');
    return temp;
  }

  function operatorFor(carrierHint: unknown, scope: string): Operator {
    if (typeof carrierHint !== 'string' || !MCC_MNC.test(carrierHint))
      throw invalid('the Binding JWT carrier_hint must be an MCC-MNC (5 or 6 digits)');
    const op = deps.finder.lookupNetwork(carrierHint)?.operator;
    if (!op || op.status !== 'active' || !op.operatorToken)
      throw invalid(`carrier_hint ${carrierHint} names no operator that offers operator tokens`);
    const notOffered = scope.split(' ').filter((s) => !offersScope(op.supportedApis, s));
    if (notOffered.length) throw invalid(scopesNotOffered(notOffered).description);
    return op;
  }

  async function operatorToken(op: Operator, tempToken: string, scope: string, clientId: string) {
    try {
      if (!(await deps.backend.capabilities(op)).jwtBearer)
        throw invalid('the operator named by carrier_hint does not accept the JWT-bearer grant');
      return await deps.backend.jwtBearer(op, {
        subject: `operatortoken:${tempToken}`,
        scope: translateScope(scope, op.scopeStyle),
      });
    } catch (err) {
      if (err instanceof GrantError) throw err;
      deps.logger.info('operator refused an operator token', {
        clientId,
        operatorId: op.id,
        error: operatorText(err instanceof Error ? err.message : String(err)),
      });
      if (err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant')
        throw invalid(
          `the operator refused the operator token: ${operatorText(err.error_description ?? err.error)}`,
        );
      const refusal = operatorRefusal(err);
      if (refusal.error === 'temporarily_unavailable')
        throw new GrantError(refusal.error, refusal.description, 503);
      throw invalid(`the operator refused the operator token: ${refusal.description}`);
    }
  }

  return async function exchange(input: VpTokenExchangeInput): Promise<OperatorTokenResult> {
    const { binding, request, jwe } = await checkSdJwt(input);
    const { spent, sealed } = await spendJtiAndTakeEphemeralKey(
      deps.knex,
      { clientId: input.client.id, ...input.assertion },
      request.id,
    );
    if (!spent) throw invalid('the assertion jti was used already');
    const audit: { -readonly [K in keyof ExchangeAuditDetail]: ExchangeAuditDetail[K] } = {
      clientId: input.client.id,
      credentialId: request.id,
      consentDataHash: request.consent_data_hash,
      carrierHint: typeof binding.carrier_hint === 'string' ? binding.carrier_hint : null,
      androidCarrierHint: hint(binding.android_carrier_hint),
      vct: request.vct,
      outcome: 'success',
    };
    let operatorId: string | null = null;
    try {
      const tempToken = await decryptTempToken(request, sealed, jwe);
      const op = operatorFor(binding.carrier_hint, input.scope);
      operatorId = op.id;
      const tokens = await operatorToken(op, tempToken, input.scope, input.client.id);
      return { operator: op, ...tokens, credentialId: request.id };
    } catch (err) {
      audit.outcome = err instanceof GrantError ? err.description : 'server_error';
      throw err;
    } finally {
      await writeExchangeAudit(deps.knex, audit, operatorId).catch((err: unknown) =>
        deps.logger.error('operator-token exchange audit failed', { error: String(err) }),
      );
    }
  };
}

export type VpTokenExchange = ReturnType<typeof createVpTokenExchange>;

function allowedAudiences(client: BackendClient): Set<string> {
  return new Set([
    ...client.allowedOrigins,
    ...client.apkKeyHashes.map((h) => `android:apk-key-hash:${h}`),
  ]);
}

function parseTempToken(plaintext: Buffer): string | undefined {
  try {
    const value = (JSON.parse(plaintext.toString('utf8')) as { temp_token?: unknown }).temp_token;
    return typeof value === 'string' && value.length > 0 && value.length <= 1024
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

function hint(value: unknown): string | number | null {
  return typeof value === 'number' || (typeof value === 'string' && value.length <= 32)
    ? value
    : null;
}

/**
 * A compact JWE (RFC 7516) with `alg` ECDH-ES (direct key agreement) and `enc` A128GCM, on
 * node:crypto: Z = ECDH(our key, `epk`); the CEK = Concat KDF (RFC 7518 §4.6.2, SHA-256,
 * AlgorithmID "A128GCM", 128 bits); AES-128-GCM with the protected header as AAD
 * (RFC 7516 §5.2). Throws on anything else: another alg or enc, `zip`, `crit`, an encrypted
 * key, a bad IV or tag, a failed tag check.
 */
export function decryptEcdhEsA128Gcm(
  jwe: string,
  header: ReturnType<typeof decodeProtectedHeader>,
  privateKey: KeyObject,
): Buffer {
  const [protectedHeader, encryptedKey, iv, ciphertext, tag] = jwe.split('.') as [
    string,
    string,
    string,
    string,
    string,
  ];
  const epk = header.epk as JWK | undefined;
  if (
    header.alg !== 'ECDH-ES' ||
    header.enc !== 'A128GCM' ||
    header.zip !== undefined ||
    header.crit !== undefined ||
    encryptedKey !== '' ||
    !epk ||
    epk.kty !== 'EC' ||
    epk.crv !== 'P-256' ||
    typeof epk.x !== 'string' ||
    typeof epk.y !== 'string'
  )
    throw new Error('not an ECDH-ES A128GCM JWE');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: epk.x, y: epk.y },
    format: 'jwk',
  });
  const z = diffieHellman({ privateKey, publicKey });
  const field = (value: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(value.length);
    return [length, value];
  };
  const partyInfo = (value: unknown) =>
    field(typeof value === 'string' ? Buffer.from(value, 'base64url') : Buffer.alloc(0));
  const round = Buffer.alloc(4);
  round.writeUInt32BE(1);
  const keyBits = Buffer.alloc(4);
  keyBits.writeUInt32BE(128);
  const cek = createHash('sha256')
    .update(
      Buffer.concat([
        round,
        z,
        ...field(Buffer.from('A128GCM', 'ascii')),
        ...partyInfo(header.apu),
        ...partyInfo(header.apv),
        keyBits,
      ]),
    )
    .digest()
    .subarray(0, 16);
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new Error('bad IV or tag length');
  const decipher = createDecipheriv('aes-128-gcm', cek, ivBytes, { authTagLength: 16 })
    .setAAD(Buffer.from(protectedHeader, 'ascii'))
    .setAuthTag(tagBytes);
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
}
