import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Operator } from '@switchboard/telco-finder';
import type { SecretBox } from '@switchboard/tokens';
import type { BackendClient } from '../clients/client-service.js';
import { consentData } from './consent-text.js';
import type { OpenId4VpKeys } from './openid4vp-keys.js';
import { invalidRequest, OpenId4VpError } from './openid4vp-errors.js';
import { nvScopeOf, VCT_BY_SCOPE } from './openid4vp-scope.js';
import { insertOpenId4VpRequest } from './store/openid4vp-request-store.js';

/** The DCQL credential object of the guide's Step 1 response. */
export interface DcqlCredential {
  readonly id: string;
  readonly format: 'dc-authorization+sd-jwt';
  readonly meta: { readonly vct_values: string[]; readonly credential_authorization_jwt: string };
}

/** The secret-box context (AAD) of a request's ephemeral key: bound to its id and client. */
export const ephemeralKeyContext = (id: string, clientId: string) =>
  `openid4vp-ephemeral:${id}:${clientId}`;

/** Seconds a credential request (and its ephemeral key) lives. */
export const CREDENTIAL_REQUEST_TTL = 300;

export const CREDENTIAL_FORMAT = 'dc-authorization+sd-jwt';

const CARRIER_ID = z
  .number('carrier_ids: each must be an integer from 1 to 2147483647')
  .int('carrier_ids: each must be an integer from 1 to 2147483647')
  .min(1, 'carrier_ids: each must be an integer from 1 to 2147483647')
  .max(2_147_483_647, 'carrier_ids: each must be an integer from 1 to 2147483647');

/** The request body (strict: an unknown member is refused). */
export const credentialRequestSchema = z
  .object(
    {
      scope: z
        .string('scope: must be a string')
        .min(1, 'scope: must not be empty')
        .max(1024, 'scope: at most 1024 characters'),
      lang: z
        .string('lang: must be a BCP 47 language tag, e.g. en or es-ES')
        .regex(
          /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/,
          'lang: must be a BCP 47 language tag, e.g. en or es-ES',
        )
        .max(35, 'lang: must be a BCP 47 language tag, e.g. en or es-ES')
        .optional(),
      nonce: z
        .string('nonce: must be a string')
        .regex(
          /^[A-Za-z0-9._~-]{16,256}$/,
          'nonce: must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -',
        ),
      carrier_ids: z
        .array(CARRIER_ID, 'carrier_ids: must be an array of integers')
        .min(1, 'carrier_ids: give 1 to 8 carrier ids')
        .max(8, 'carrier_ids: give 1 to 8 carrier ids'),
    },
    'the body must be a JSON object',
  )
  .strict();

export interface CredentialRequestDeps {
  readonly issuer: string;
  readonly knex: Knex;
  readonly secretBox: SecretBox;
  readonly keys: Pick<OpenId4VpKeys, 'signer'>;
  /** The active operators offering operator tokens with one of these Android carrier ids. */
  readonly eligibleOperators: (carrierIds: readonly number[]) => readonly Operator[];
  readonly policyUrl?: string | undefined;
  readonly now?: () => number;
}

/**
 * `POST /openid4vp/credentials` (the guide, Step 1): checks the app's request, makes a fresh
 * ephemeral P-256 key (ECDH-ES) kept sealed until the exchange, and answers the DCQL
 * credential with a credential_authorization_jwt signed by the aggregator's OpenID4VP key.
 */
export function createCredentialRequest(deps: CredentialRequestDeps) {
  const now = deps.now ?? Date.now;

  /** Each rule's message names its field (`nonce: …`); an unknown member is named too. */
  function parseBody(body: unknown) {
    const r = credentialRequestSchema.safeParse(body);
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    throw invalidRequest(
      issue.code === 'unrecognized_keys'
        ? `unknown member(s) ${issue.keys.join(', ')}`
        : issue.message,
    );
  }

  function checkScope(scope: string, client: BackendClient): { nvScope: string; scope: string } {
    const words = scope.split(' ');
    const bad = (d: string) => new OpenId4VpError(400, 'invalid_scope', d);
    if (words.some((w) => w === '')) throw bad('scope: words are separated by single spaces');
    const purposes = words.filter((w) => w.startsWith('dpv:'));
    if (purposes.length !== 1 || !/^dpv:[A-Za-z][A-Za-z0-9]*$/.test(purposes[0]!))
      throw bad('scope must name exactly one dpv: purpose, e.g. dpv:FraudPreventionAndDetection');
    const nvScope = nvScopeOf(scope);
    if (!nvScope)
      throw bad(`scope must name exactly one of ${Object.keys(VCT_BY_SCOPE).join(', ')}`);
    const other = words.filter((w) => !w.startsWith('dpv:') && w !== 'openid' && w !== nvScope);
    if (other.length)
      throw bad(`scope: ${other.join(' ')} is not served by the operator-token path`);
    if (new Set(words).size !== words.length) throw bad('scope: a word is repeated');
    if (!client.allowedScopes.includes(nvScope)) throw bad(`this app may not request ${nvScope}`);
    return { nvScope, scope: [purposes[0]!, nvScope].join(' ') };
  }

  function checkCarriers(carrierIds: readonly number[]): void {
    if (deps.eligibleOperators(carrierIds).length === 0)
      throw new OpenId4VpError(
        400,
        'carrier_not_supported',
        'None of the provided carrier IDs are eligible for Operator Token.',
        { fallback_options: ['network_authentication'] },
      );
  }

  return async function requestCredential(
    client: BackendClient,
    body: unknown,
  ): Promise<DcqlCredential> {
    const input = parseBody(body);
    const { nvScope, scope } = checkScope(input.scope, client);
    checkCarriers(input.carrier_ids);
    const id = `sb-ot-${randomBytes(16).toString('base64url')}`;
    const vct = VCT_BY_SCOPE[nvScope]!;
    const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', {
      crv: 'P-256',
      extractable: true,
    });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const consent = consentData(input.lang ?? 'en', client.name, nvScope, deps.policyUrl);
    const consentDataText = Buffer.from(JSON.stringify(consent)).toString('base64url');
    const iat = Math.floor(now() / 1000);
    const exp = iat + CREDENTIAL_REQUEST_TTL;
    const sealed = deps.secretBox.seal(
      JSON.stringify(await exportJWK(privateKey)),
      ephemeralKeyContext(id, client.id),
    );
    const signer = await deps.keys.signer();
    const stored = await insertOpenId4VpRequest(deps.knex, {
      id,
      client_id: client.id,
      nonce: input.nonce,
      vct,
      scope,
      consent_data_hash: sha256(consentDataText),
      ephemeral_key_enc: sealed,
      expires_at: new Date(exp * 1000),
    });
    if (!stored) throw invalidRequest('nonce was used already');
    const jwt = await new SignJWT({
      iss: deps.issuer,
      iat,
      exp,
      nonce: input.nonce,
      client_id: client.id,
      jwks: { keys: [{ kty, crv, x, y, kid: id, use: 'enc', alg: 'ECDH-ES' }] },
      encrypted_response_enc_values_supported: ['A128GCM'],
      consent_data: consentDataText,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'oauth-authz-req+jwt', x5c: signer.x5c })
      .sign(signer.privateKey);
    return {
      id,
      format: CREDENTIAL_FORMAT,
      meta: { vct_values: [vct], credential_authorization_jwt: jwt },
    };
  };
}

/** base64url(SHA-256(ascii(text))): `consent_data_hash` and `sd_hash` (the guide, Step 3). */
export const sha256 = (text: string) =>
  createHash('sha256').update(text, 'ascii').digest('base64url');
