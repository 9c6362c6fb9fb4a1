import { CAMARA_APIS, offersApi, type CamaraApi, type CamaraOperation } from '@switchboard/camara';
import type { Operator } from '@switchboard/telco-finder';

/** One operation of one API version the operator declares, with a request body the spec allows. */
export interface DeclaredOperation {
  readonly api: CamaraApi;
  readonly op: CamaraOperation;
  /** `number-verification/v2 verify`: how scenario ids name it. */
  readonly label: string;
  readonly url: string;
}

/** Every operation of every API version in `CAMARA_APIS` the operator's supportedApis declare. */
export function declaredOperations(operator: Operator): DeclaredOperation[] {
  const root = operator.apiRoot.replace(/\/$/, '');
  return CAMARA_APIS.filter((api) =>
    offersApi(operator.supportedApis, api.name, api.version),
  ).flatMap((api) =>
    api.operations.map((op) => ({
      api,
      op,
      label: `${api.name}/${api.version} ${op.operation}`,
      url: `${root}/${api.name}/${api.version}${op.path}`,
    })),
  );
}

/**
 * A body valid for the operation's schema (the test definitions send "a valid request body" in
 * their 401 scenarios, so a 400 cannot hide the 401 being tested).
 */
export function sampleBody(d: DeclaredOperation): unknown {
  switch (`${d.api.name} ${d.op.operation}`) {
    case 'number-verification verify':
      return { phoneNumber: '+34600000000' };
    case 'sim-swap check':
      return { maxAge: 240 };
    case 'sim-swap retrieve-date':
      return {};
    case 'kyc-match match':
      return { givenName: 'Conformance' };
    case 'location-verification verify':
      return { area: CHECK_AREA };
    default:
      return d.op.method === 'GET' ? undefined : {};
  }
}

/** The area the Location Verification scenario asks about (docs/operator-conformance.md). */
export const CHECK_AREA = {
  areaType: 'CIRCLE',
  center: { latitude: 40.4168, longitude: -3.7038 },
  radius: 2000,
} as const;
