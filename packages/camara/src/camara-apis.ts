import { SIM_SWAP_API } from './apis/sim-swap.js';
import { KYC_MATCH_API } from './apis/kyc-match.js';
import { LOCATION_VERIFICATION_API } from './apis/location-verification.js';
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
  KYC_MATCH_API,
  LOCATION_VERIFICATION_API,
];

/** Every API scope of CAMARA_APIS, each once, in declaration order. */
export const API_SCOPES: readonly string[] = [
  ...new Set(CAMARA_APIS.flatMap((api) => api.operations.map((op) => op.scope))),
];

/** Every name of an API scope in either style (`scope` and `hashStyleScope`), each once. */
export const API_SCOPE_NAMES: ReadonlySet<string> = new Set(
  CAMARA_APIS.flatMap((api) =>
    api.operations.flatMap((op) => [op.scope, ...(op.hashStyleScope ? [op.hashStyleScope] : [])]),
  ),
);

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

/** A CAMARA API and the versions an operator offers of it (`supportedApis` of an operator). */
export interface OfferedApi {
  readonly name: string;
  readonly versions: readonly string[];
}

/**
 * What an operator that declares no `supportedApis` offers: Number Verification, every
 * version, the API every operator served before the list was enforced. Declaring the list
 * replaces this, to offer more APIs or fewer versions.
 */
export const DEFAULT_OFFERED_APIS: readonly OfferedApi[] = [
  { name: 'number-verification', versions: ['v2', 'v0'] },
];

/** Whether an operator with `supportedApis` offers `version` of the API `name`. */
export function offersApi(
  supportedApis: readonly OfferedApi[],
  name: string,
  version: string,
): boolean {
  const offered = supportedApis.length ? supportedApis : DEFAULT_OFFERED_APIS;
  return offered.some((api) => api.name === name && api.versions.includes(version));
}

/** The API versions whose operations take each API scope. */
const apisOfScope = new Map<string, CamaraApi[]>();
for (const api of CAMARA_APIS)
  for (const scope of new Set(api.operations.map((op) => op.scope)))
    apisOfScope.set(scope, [...(apisOfScope.get(scope) ?? []), api]);

/** Whether an operator with `supportedApis` offers some API version whose operations take `scope`. */
export function offersScope(supportedApis: readonly OfferedApi[], scope: string): boolean {
  const apis = apisOfScope.get(scope);
  return !apis || apis.some((api) => offersApi(supportedApis, api.name, api.version));
}
