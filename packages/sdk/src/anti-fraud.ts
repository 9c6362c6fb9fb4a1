import { callCamara, type CamaraApiDeps } from './camara-api.js';
import { SwitchboardError } from './errors.js';
import { isE164 } from './phone-number.js';

// The anti-fraud APIs beside Number Verification, as Switchboard serves them (docs/conformance):
// CAMARA SIM Swap v2, KYC Match v0.3 (KnowYourCustomer), Location Verification v3
// (DeviceLocation). The subscriber is the one of the three-legged token: no identifier is sent.

/** API scopes to ask for in `startVerification({ scopes })`, one per operation. */
export const API_SCOPES = {
  simSwapCheck: 'sim-swap:check',
  simSwapRetrieveDate: 'sim-swap:retrieve-date',
  kycMatch: 'kyc-match:match',
  locationVerification: 'location-verification:verify',
} as const;

export interface CallOptions {
  /** `x-correlator` to send; default a fresh UUID. Errors carry it as `correlator`. */
  readonly correlator?: string;
}

export interface SimSwapCheckOptions extends CallOptions {
  /** Hours to look back, within what the operator allows (SIM Swap: 1–2400; default 240). */
  readonly maxAge?: number;
}

export interface SimSwapDate {
  /** The last SIM change, or null when none is known within the monitored period. */
  readonly latestSimChange: Date | null;
  /** Days the operator looks back, when it limits that (privacy rules). */
  readonly monitoredPeriod?: number;
}

/** The identity data the customer typed, to compare with the operator's record. */
export interface KycMatchFields {
  readonly idDocument?: string;
  readonly name?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly nameKanaHankaku?: string;
  readonly nameKanaZenkaku?: string;
  readonly middleNames?: string;
  readonly familyNameAtBirth?: string;
  readonly address?: string;
  readonly streetName?: string;
  readonly streetNumber?: string;
  readonly postalCode?: string;
  readonly region?: string;
  readonly locality?: string;
  readonly country?: string;
  readonly houseNumberExtension?: string;
  /** `YYYY-MM-DD`. */
  readonly birthdate?: string;
  readonly email?: string;
  readonly gender?: 'MALE' | 'FEMALE' | 'OTHER';
}

/** Per field: matched, did not match, or the operator has no such data. */
export type KycFieldResult = 'true' | 'false' | 'not_available';

/** `<field>Match` for each field sent; `<field>MatchScore` (0–100) where the operator scores a mismatch. */
export type KycMatchResult = Readonly<Record<string, KycFieldResult | number>>;

export interface CircleArea {
  readonly areaType: 'CIRCLE';
  readonly center: { readonly latitude: number; readonly longitude: number };
  /** Metres. */
  readonly radius: number;
}

export interface LocationVerificationOptions extends CallOptions {
  /** Seconds: how old the device's location may be. */
  readonly maxAge?: number;
}

export interface LocationVerification {
  readonly verificationResult: 'TRUE' | 'FALSE' | 'PARTIAL' | 'UNKNOWN';
  /** With PARTIAL: the share (%) of the device's location area inside the requested one. */
  readonly matchRate?: number;
  readonly lastLocationTime?: Date;
}

/** Anything holding a three-legged access token from `completeVerification`. */
interface Session {
  readonly accessToken: string;
}

export interface AntiFraudApis {
  readonly simSwap: {
    /** SIM Swap `POST /check`: did this line's SIM change within `maxAge` hours? */
    check(session: Session, o?: SimSwapCheckOptions): Promise<boolean>;
    /** SIM Swap `POST /retrieve-date`: when did this line's SIM last change? */
    retrieveDate(session: Session, o?: CallOptions): Promise<SimSwapDate>;
  };
  /** KYC Match `POST /match`: which of these fields match the operator's record? */
  kycMatch(session: Session, fields: KycMatchFields, o?: CallOptions): Promise<KycMatchResult>;
  readonly locationVerification: {
    /** Location Verification `POST /verify`: is the device within `area`? */
    verify(
      session: Session,
      area: CircleArea,
      o?: LocationVerificationOptions,
    ): Promise<LocationVerification>;
  };
}

/** The anti-fraud APIs under `apiRoot` (Switchboard's issuer, or an operator's API root). */
export function createAntiFraudApis(
  deps: Omit<CamaraApiDeps, 'baseUrl'> & { readonly apiRoot: string },
): AntiFraudApis {
  const at = (base: string): CamaraApiDeps => ({ ...deps, baseUrl: `${deps.apiRoot}${base}` });
  const simSwap = at('/sim-swap/v2');
  const kyc = at('/kyc-match/v0.3');
  const location = at('/location-verification/v3');
  const post = (api: CamaraApiDeps, path: string, session: Session, body: object, o: CallOptions) =>
    callCamara(api, {
      method: 'POST',
      path,
      accessToken: session.accessToken,
      body: body as Record<string, unknown>,
      correlator: o.correlator,
    });

  return {
    simSwap: {
      async check(session, o = {}) {
        if (o.maxAge !== undefined && !(Number.isInteger(o.maxAge) && o.maxAge > 0))
          throw new SwitchboardError('INVALID_ARGUMENT', 'maxAge must be a whole number of hours');
        const json = await post(simSwap, '/check', session, pick({ maxAge: o.maxAge }), o);
        return field(json, 'swapped', (v): v is boolean => typeof v === 'boolean');
      },
      async retrieveDate(session, o = {}) {
        const json = await post(simSwap, '/retrieve-date', session, {}, o);
        const date = field(
          json,
          'latestSimChange',
          (v): v is string | null => v === null || isDate(v),
        );
        const period = json.monitoredPeriod;
        return {
          latestSimChange: date === null ? null : new Date(date),
          ...(typeof period === 'number' ? { monitoredPeriod: period } : {}),
        };
      },
    },
    async kycMatch(session, fields, o = {}) {
      const sent = pick(fields as Record<string, unknown>);
      if (Object.keys(sent).length === 0)
        throw new SwitchboardError('INVALID_ARGUMENT', 'give at least one field to match');
      if ('phoneNumber' in sent && !isE164(String(sent.phoneNumber)))
        throw new SwitchboardError('INVALID_PHONE_NUMBER', 'not an E.164 number');
      const json = await post(kyc, '/match', session, sent, o);
      for (const [key, value] of Object.entries(json)) {
        const ok = key.endsWith('MatchScore')
          ? typeof value === 'number'
          : value === 'true' || value === 'false' || value === 'not_available';
        if (!ok) throw invalidResponse(`${key} is not a match result`);
      }
      return json as KycMatchResult;
    },
    locationVerification: {
      async verify(session, area, o = {}) {
        const body = pick({ area, maxAge: o.maxAge });
        const json = await post(location, '/verify', session, body, o);
        const result = field(
          json,
          'verificationResult',
          (v): v is LocationVerification['verificationResult'] =>
            ['TRUE', 'FALSE', 'PARTIAL', 'UNKNOWN'].includes(String(v)),
        );
        const { matchRate, lastLocationTime } = json;
        return {
          verificationResult: result,
          ...(typeof matchRate === 'number' ? { matchRate } : {}),
          ...(isDate(lastLocationTime) ? { lastLocationTime: new Date(lastLocationTime) } : {}),
        };
      },
    },
  };
}

const pick = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

const invalidResponse = (what: string) =>
  new SwitchboardError('INVALID_RESPONSE', `the API answered an unexpected body: ${what}`);

function field<T>(json: Record<string, unknown>, name: string, ok: (v: unknown) => v is T): T {
  const value = json[name];
  if (!ok(value)) throw invalidResponse(`${name} is missing or not what the spec says`);
  return value;
}
