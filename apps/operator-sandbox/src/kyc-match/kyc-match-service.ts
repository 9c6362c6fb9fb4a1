import {
  KYC_MATCH_SCOPE,
  camaraError,
  kycError,
  parseKycMatchRequest,
  type KycMatchRequest,
} from '@switchboard/camara';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AccessTokenInfo, AccessTokenReader } from '../services/access-token-reader.js';
import { authenticateBearer, grantsScope } from '../services/bearer-access.js';
import type { SandboxStateStore } from '../store/sandbox-state-store.js';
import { matchKyc, normalise, type KycMatchResponse } from './kyc-matcher.js';
import type { KycMatchConfig, KycRecord } from './kyc-records.js';

/** What the consent page says `kyc-match:match` lets the client do. */
export const KYC_MATCH_USE =
  'check whether personal data it holds about you (name, address, birth date, email, ID document…) matches your customer record';

/** CAMARA KYC Match v0.3.0 `POST /match`. */
export interface KycMatchService {
  /** `readBody` decodes the request body lazily so authentication errors come first. */
  match(accessToken: string | undefined, readBody: () => unknown): Promise<KycMatchResponse>;
}

export interface KycMatchServiceDeps {
  readonly tokens: AccessTokenReader;
  readonly subscribers: Pick<SandboxStateStore, 'msisdnFor'>;
  readonly config: KycMatchConfig;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Order of checks: 401 token, 403 scope, 400 body, then the subject (422 MISSING_IDENTIFIER,
 * 403 INVALID_TOKEN_CONTEXT, 404 IDENTIFIER_NOT_FOUND, 422 SERVICE_NOT_APPLICABLE), then the
 * operator's idDocument requirement (403), then the match.
 */
export function createKycMatchService(deps: KycMatchServiceDeps): KycMatchService {
  const records = new Map(deps.config.records.map((r) => [r.phoneNumber, r]));
  return {
    async match(accessToken, readBody) {
      const token = await authenticateBearer(deps, accessToken);
      // `kyc-match:match`, alone or after a purpose (`dpv:<Purpose>#kyc-match:match`).
      if (!grantsScope(token.scope, [KYC_MATCH_SCOPE])) throw camaraError('PERMISSION_DENIED');
      const request = parseKycMatchRequest(readBody());
      const record = subjectRecord(deps, records, token, request);
      checkIdDocument(deps.config, request, record);
      deps.logger.info('kyc matched', { clientId: token.clientId });
      return matchKyc(request, record);
    },
  };
}

/**
 * The subject: a three-legged token's subscriber (a `phoneNumber` in the body must then be
 * the same number), else the body's `phoneNumber`.
 */
function subjectRecord(
  deps: KycMatchServiceDeps,
  records: ReadonlyMap<string, KycRecord>,
  token: AccessTokenInfo,
  request: KycMatchRequest,
): KycRecord {
  const fromToken = token.accountId ? deps.subscribers.msisdnFor(token.accountId) : undefined;
  if (fromToken !== undefined) {
    if (request.phoneNumber !== undefined && request.phoneNumber !== fromToken)
      throw kycError(
        403,
        'INVALID_TOKEN_CONTEXT',
        'phoneNumber is not consistent with access token.',
      );
    const record = records.get(fromToken);
    if (!record)
      throw kycError(
        422,
        'SERVICE_NOT_APPLICABLE',
        'The service is not applicable for the provided phone number',
      );
    return record;
  }
  if (request.phoneNumber === undefined)
    throw kycError(422, 'MISSING_IDENTIFIER', 'No phone number has been provided');
  const record = records.get(request.phoneNumber);
  if (!record)
    throw kycError(
      404,
      'IDENTIFIER_NOT_FOUND',
      'The phone number provided is not associated with a customer account',
    );
  return record;
}

function checkIdDocument(
  config: KycMatchConfig,
  request: KycMatchRequest,
  record: KycRecord,
): void {
  if (!config.idDocumentRequired) return;
  if (request.idDocument === undefined)
    throw kycError(
      403,
      'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED',
      'The idDocument is required to perform the properties validation',
    );
  const stored = record.idDocument;
  if (
    stored === undefined ||
    normalise('idDocument', request.idDocument) !== normalise('idDocument', stored)
  )
    throw kycError(
      403,
      'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH',
      'The idDocument needs to match the one associated with the provided phoneNumber',
    );
}
