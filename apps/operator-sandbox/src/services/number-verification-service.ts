import {
  camaraError,
  grantedOperations,
  matchesDevicePhoneNumber,
  parseVerifyRequest,
  type NvApiVersion,
  type NvOperation,
} from '@switchboard/camara';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { SandboxStateStore } from '../store/sandbox-state-store.js';
import type { AccessTokenInfo, AccessTokenReader } from './access-token-reader.js';
import { authenticateBearer } from './bearer-access.js';
import { NETWORK_AUTHENTICATION_AMR } from './network-authentication.js';

export interface NvCall {
  readonly version: NvApiVersion;
  /** The bearer token, if the request carried one. */
  readonly accessToken: string | undefined;
}

/** CAMARA Number Verification (seed Annex step 27), NV 2.1 and NV 0.3.1. */
export interface NumberVerificationService {
  /** `readBody` decodes the request body lazily so authentication errors come first. */
  verify(call: NvCall, readBody: () => unknown): Promise<{ devicePhoneNumberVerified: boolean }>;
  devicePhoneNumber(call: NvCall): Promise<{ devicePhoneNumber: string }>;
}

export interface NumberVerificationServiceDeps {
  readonly tokens: AccessTokenReader;
  readonly subscribers: Pick<SandboxStateStore, 'msisdnFor'>;
  /** The newest NV rule: an access token serves one call. */
  readonly singleUse: boolean;
  readonly clock: Clock;
  readonly logger: Logger;
}

export function createNumberVerificationService(
  deps: NumberVerificationServiceDeps,
): NumberVerificationService {
  const spent = new Map<string, number>();
  const isSpent = (token: AccessTokenInfo) => spent.has(token.jti);
  return {
    async verify(call, readBody) {
      const token = await authenticateBearer(deps, call.accessToken, isSpent);
      authorize(token, 'verify');
      const msisdn = devicePhoneNumberOf(deps, token);
      const request = parseVerifyRequest(call.version, readBody());
      await spend(deps, spent, token);
      const devicePhoneNumberVerified = matchesDevicePhoneNumber(call.version, request, msisdn);
      deps.logger.info('number verified', {
        clientId: token.clientId,
        version: call.version,
        devicePhoneNumberVerified,
      });
      return { devicePhoneNumberVerified };
    },
    async devicePhoneNumber(call) {
      const token = await authenticateBearer(deps, call.accessToken, isSpent);
      authorize(token, 'device-phone-number');
      const devicePhoneNumber = devicePhoneNumberOf(deps, token);
      await spend(deps, spent, token);
      deps.logger.info('device phone number shared', {
        clientId: token.clientId,
        version: call.version,
      });
      return { devicePhoneNumber };
    },
  };
}

function authorize(token: AccessTokenInfo, operation: NvOperation): void {
  if (!grantedOperations(token.scope).has(operation)) throw camaraError('PERMISSION_DENIED');
}

/** NV: the number must come from network-based authentication, shown by `amr`. */
function devicePhoneNumberOf(deps: NumberVerificationServiceDeps, token: AccessTokenInfo): string {
  const msisdn = token.accountId ? deps.subscribers.msisdnFor(token.accountId) : undefined;
  const byNetwork = NETWORK_AUTHENTICATION_AMR.some((m) => token.amr.includes(m));
  if (!msisdn || !byNetwork) {
    throw camaraError('NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK');
  }
  return msisdn;
}

/** Marks the token spent before answering, so two racing calls cannot both succeed. */
async function spend(
  deps: NumberVerificationServiceDeps,
  spent: Map<string, number>,
  token: AccessTokenInfo,
): Promise<void> {
  if (!deps.singleUse) return;
  const now = Math.floor(deps.clock.now() / 1000);
  for (const [jti, exp] of spent) if (exp <= now) spent.delete(jti);
  spent.set(token.jti, token.expiresAt);
  await deps.tokens.revoke(token.jti);
}
