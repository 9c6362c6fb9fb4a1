import { SIM_SWAP_API } from './apis/sim-swap.js';
import { NV_SCOPES, type NvApiVersion } from './scopes.js';
import { parseVerifyRequest } from './verify-request.js';

/** One operation of a CAMARA API the aggregator serves. */
export interface CamaraOperation {
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to `/<api>/<version>`; a `:name` segment matches any one segment. */
  readonly path: string;
  /** The scope the spec's `security.openId` names for this operation. */
  readonly scope: string;
  /**
   * The same permission as operators of the `dpv-hash` style name it
   * (`dpv:<Purpose>#<name>`, Telefónica / Vonage), when it is spelled differently.
   */
  readonly hashStyleScope?: string;
  /** Refuses (a CamaraError: 400, 415) a body the spec does not allow; unchecked otherwise. */
  readonly checkBody?: (body: unknown) => void;
}

/** One version of one CAMARA API: its URL name and version, and its operations. */
export interface CamaraApi {
  readonly name: string;
  readonly version: string;
  readonly operations: readonly CamaraOperation[];
}

/** NV 2.1 (`/v2`) and 0.3.1 (`/v0`): `POST /verify`, `GET /device-phone-number`. */
function numberVerification(version: NvApiVersion): CamaraApi {
  const scopes = NV_SCOPES[version];
  return {
    name: 'number-verification',
    version,
    operations: [
      {
        operation: 'verify',
        method: 'POST',
        path: '/verify',
        scope: scopes.verify,
        ...(version === 'v2' ? { hashStyleScope: NV_SCOPES.v0.verify } : {}),
        // `NumberVerificationRequestBody`: the rules the operators apply.
        checkBody: (body) => void parseVerifyRequest(version, body),
      },
      {
        operation: 'device-phone-number',
        method: 'GET',
        path: '/device-phone-number',
        scope: scopes['device-phone-number'],
        ...(version === 'v2' ? { hashStyleScope: NV_SCOPES.v0['device-phone-number'] } : {}),
      },
    ],
  };
}

/**
 * Every CAMARA API the aggregator serves: the proxy's catalog, the API scopes tokens carry,
 * the scopes an admin may allow an app and their translation to each operator's scope style
 * all come from here, so adding an API is adding it here.
 */
export const CAMARA_APIS: readonly CamaraApi[] = [
  numberVerification('v2'),
  numberVerification('v0'),
  SIM_SWAP_API,
];

/** Every API scope of CAMARA_APIS, each once, in declaration order. */
export const API_SCOPES: readonly string[] = [
  ...new Set(CAMARA_APIS.flatMap((api) => api.operations.map((op) => op.scope))),
];

const toHashStyle = new Map<string, string>();
const toCamaraStyle = new Map<string, string>();
for (const op of CAMARA_APIS.flatMap((api) => api.operations)) {
  if (!op.hashStyleScope) continue;
  toHashStyle.set(op.scope, op.hashStyleScope);
  toCamaraStyle.set(op.hashStyleScope, op.scope);
}

/** An API scope as a `dpv-hash` style operator names it (unchanged when it has no other name). */
export const hashStyleScope = (scope: string): string => toHashStyle.get(scope) ?? scope;

/** An API scope as a CAMARA style operator names it (unchanged when it has no other name). */
export const camaraStyleScope = (scope: string): string => toCamaraStyle.get(scope) ?? scope;
