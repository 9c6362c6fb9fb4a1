import {
  CamaraError,
  SIM_SWAP_HASH_STYLE_SCOPES,
  SIM_SWAP_SCOPES,
  camaraError,
  parseSimSwapRequest,
  type SimSwapOperation,
} from '@switchboard/camara';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AccessTokenInfo, AccessTokenReader } from '../services/access-token-reader.js';
import { authenticateBearer, grantsScope } from '../services/bearer-access.js';
import type { SandboxStateStore } from '../store/sandbox-state-store.js';
import type { SimSwapHistory } from './sim-swap-history.js';

const HOUR = 3_600_000;

export interface SimSwapCall {
  /** The bearer token, if the request carried one. */
  readonly accessToken: string | undefined;
}

export interface SimSwapInfo {
  readonly latestSimChange: string | null;
  readonly monitoredPeriod?: number;
}

/** CAMARA SIM Swap 2.1.0 (r3.3): checkSimSwap and retrieveSimSwapDate. */
export interface SimSwapService {
  /** `readBody` decodes the request body lazily so authentication errors come first. */
  check(call: SimSwapCall, readBody: () => unknown): Promise<{ swapped: boolean }>;
  retrieveDate(call: SimSwapCall, readBody: () => unknown): Promise<SimSwapInfo>;
}

export interface SimSwapServiceDeps {
  readonly tokens: AccessTokenReader;
  readonly subscribers: Pick<SandboxStateStore, 'msisdnFor'>;
  readonly history: SimSwapHistory;
  readonly clock: Clock;
  readonly logger: Logger;
}

export function createSimSwapService(deps: SimSwapServiceDeps): SimSwapService {
  const { history } = deps;
  return {
    async check(call, readBody) {
      const token = await authenticateBearer(deps, call.accessToken);
      authorize(token, 'check');
      const request = parseSimSwapRequest('check', readBody());
      const maxAge = request.maxAge!;
      const limit = history.monitoredPeriodDays;
      if (limit !== undefined && maxAge > limit * 24) {
        throw camaraError(
          'OUT_OF_RANGE',
          `Check monitor period could not exceed local regulations (${limit} days).`,
        );
      }
      const msisdn = subjectOf(deps, token, request.phoneNumber);
      const latest = history.latestSimChange(msisdn);
      const now = deps.clock.now();
      const swapped = latest !== null && latest <= now && now - latest <= maxAge * HOUR;
      deps.logger.info('sim swap checked', { clientId: token.clientId, maxAge, swapped });
      return { swapped };
    },
    async retrieveDate(call, readBody) {
      const token = await authenticateBearer(deps, call.accessToken);
      authorize(token, 'retrieve-date');
      const request = parseSimSwapRequest('retrieve-date', readBody());
      const msisdn = subjectOf(deps, token, request.phoneNumber);
      const info = simSwapInfo(history, msisdn, deps.clock.now());
      deps.logger.info('sim swap date retrieved', { clientId: token.clientId });
      return info;
    },
  };
}

/**
 * The latest SIM change (or activation) within the operator's monitored period; null with
 * that `monitoredPeriod` when the operator has one and knows of no change within it ("no
 * SIM swap during monitoredPeriod"); null alone when no SIM was ever associated with the
 * number, or an operator without a limit knows no date.
 */
function simSwapInfo(history: SimSwapHistory, msisdn: string, now: number): SimSwapInfo {
  const latest = history.latestSimChange(msisdn);
  const limit = history.monitoredPeriodDays;
  if (latest !== null && (limit === undefined || now - latest <= limit * 24 * HOUR))
    return { latestSimChange: new Date(latest).toISOString() };
  if (limit !== undefined && history.hasSim(msisdn))
    return { latestSimChange: null, monitoredPeriod: limit };
  return { latestSimChange: null };
}

/** 403 unless the token carries the operation's scope, in either style's spelling. */
function authorize(token: AccessTokenInfo, operation: SimSwapOperation): void {
  const names: string[] = [SIM_SWAP_SCOPES[operation], SIM_SWAP_HASH_STYLE_SCOPES[operation]];
  if (!grantsScope(token.scope, names)) throw camaraError('PERMISSION_DENIED');
}

/**
 * The phone number the call is about (spec "Identifying the phone number from the access
 * token"): a three-legged token's subscriber, with no `phoneNumber` in the body (422
 * UNNECESSARY_IDENTIFIER even if it is the same number), or a two-legged token's
 * `phoneNumber` (422 MISSING_IDENTIFIER without one); then 404 IDENTIFIER_NOT_FOUND for a
 * number that is not ours and 422 SERVICE_NOT_APPLICABLE for one the service is not offered to.
 */
function subjectOf(
  deps: SimSwapServiceDeps,
  token: AccessTokenInfo,
  phoneNumber: string | undefined,
): string {
  if (token.accountId !== undefined && phoneNumber !== undefined)
    throw identifierError(
      422,
      'UNNECESSARY_IDENTIFIER',
      'The device is already identified by the access token.',
    );
  const msisdn =
    token.accountId !== undefined ? deps.subscribers.msisdnFor(token.accountId) : phoneNumber;
  if (msisdn === undefined)
    throw identifierError(422, 'MISSING_IDENTIFIER', 'The device cannot be identified.');
  if (!deps.history.isSubscriber(msisdn))
    throw identifierError(404, 'IDENTIFIER_NOT_FOUND', 'Device identifier not found.');
  if (!deps.history.isApplicable(msisdn))
    throw identifierError(
      422,
      'SERVICE_NOT_APPLICABLE',
      'The service is not available for the provided identifier.',
    );
  return msisdn;
}

function identifierError(status: number, code: string, message: string): CamaraError {
  return new CamaraError(status, code, message);
}
