import { camaraError } from '../camara-error.js';
import type { CamaraApi } from '../camara-apis.js';
import { isE164 } from '../phone-number.js';

/**
 * CAMARA SIM Swap 2.1.0 (release r3.3, `code/API_definitions/sim-swap.yaml`), served at
 * `/sim-swap/v2`: `POST /check` (checkSimSwap) and `POST /retrieve-date` (retrieveSimSwapDate).
 * The subscriptions API (`sim-swap-subscriptions`) is not served.
 */
export type SimSwapOperation = 'check' | 'retrieve-date';

export const SIM_SWAP_OPERATIONS: ReadonlyArray<SimSwapOperation> = ['check', 'retrieve-date'];

/** The scopes `security.openId` names per operation (the spec's other choice, `sim-swap`, is not issued). */
export const SIM_SWAP_SCOPES = {
  check: 'sim-swap:check',
  'retrieve-date': 'sim-swap:retrieve-date',
} as const satisfies Record<SimSwapOperation, string>;

/**
 * The same permissions as `dpv-hash` operators name them, `dpv:<Purpose>#<name>`: the
 * operation names Vonage uses (`dpv:FraudPreventionAndDetection#check-sim-swap`).
 */
export const SIM_SWAP_HASH_STYLE_SCOPES = {
  check: 'check-sim-swap',
  'retrieve-date': 'retrieve-sim-swap-date',
} as const satisfies Record<SimSwapOperation, string>;

/** `CreateCheckSimSwap.maxAge`: hours, `minimum: 1`, `maximum: 2400`, `default: 240`. */
export const MAX_AGE = { default: 240, minimum: 1, maximum: 2400 } as const;

export interface SimSwapRequest {
  readonly phoneNumber?: string;
  /** `check` only; the default (240) when the request leaves it out. */
  readonly maxAge?: number;
}

/**
 * Validates a `CreateCheckSimSwap` / `CreateSimSwapDate` body. Not an object, a `phoneNumber`
 * that is not `PhoneNumber` or a `maxAge` that is not an integer: 400 INVALID_ARGUMENT; an
 * integer `maxAge` outside 1–2400: 400 OUT_OF_RANGE (feature `@check_sim_swap_400.2`). Other
 * properties are ignored (the schemas do not forbid them). Messages never echo the number.
 */
export function parseSimSwapRequest(operation: SimSwapOperation, body: unknown): SimSwapRequest {
  if (body === undefined || body === null) throw invalid('A request body is required.');
  if (typeof body !== 'object' || Array.isArray(body))
    throw invalid('The request body must be a JSON object.');
  const { phoneNumber, maxAge } = body as Record<string, unknown>;
  const request: { phoneNumber?: string; maxAge?: number } = {};
  if (phoneNumber !== undefined) {
    if (typeof phoneNumber !== 'string' || !isE164(phoneNumber))
      throw invalid("phoneNumber must be E.164 prefixed with '+'.");
    request.phoneNumber = phoneNumber;
  }
  if (operation === 'check') {
    if (maxAge === undefined) request.maxAge = MAX_AGE.default;
    else if (typeof maxAge !== 'number' || !Number.isInteger(maxAge))
      throw invalid('maxAge must be an integer number of hours.');
    else if (maxAge < MAX_AGE.minimum || maxAge > MAX_AGE.maximum)
      throw camaraError(
        'OUT_OF_RANGE',
        `maxAge must be between ${MAX_AGE.minimum} and ${MAX_AGE.maximum} hours.`,
      );
    else request.maxAge = maxAge;
  }
  return request;
}

function invalid(message: string) {
  return camaraError('INVALID_ARGUMENT', message);
}

/** The CAMARA_APIS entry: both operations, their scopes, and the body rules above. */
export const SIM_SWAP_API: CamaraApi = {
  name: 'sim-swap',
  version: 'v2',
  operations: SIM_SWAP_OPERATIONS.map((operation) => ({
    operation,
    method: 'POST' as const,
    path: `/${operation}`,
    scope: SIM_SWAP_SCOPES[operation],
    hashStyleScope: SIM_SWAP_HASH_STYLE_SCOPES[operation],
    checkBody: (body: unknown) => void parseSimSwapRequest(operation, body),
  })),
};
