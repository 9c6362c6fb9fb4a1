import {
  CamaraError,
  LOCATION_VERIFICATION_HASH_STYLE_SCOPE,
  LOCATION_VERIFICATION_SCOPE,
  camaraError,
  parseVerifyLocationRequest,
  type LocationDevice,
  type VerifyLocationRequest,
} from '@switchboard/camara';
import type { Clock } from '../clock.js';
import type { SubscriberRule } from '../config.js';
import type { Logger } from '../logger.js';
import type { AccessTokenInfo, AccessTokenReader } from '../services/access-token-reader.js';
import { authenticateBearer, grantsScope } from '../services/bearer-access.js';
import type { SubscriberDirectory } from '../services/subscriber-directory.js';
import type { SandboxStateStore } from '../store/sandbox-state-store.js';
import { verifyCircle, type Verification } from './geometry.js';
import type { DeviceLocations, LocationVerificationPolicy } from './location-config.js';

/** `VerifyLocationResponse` (Location Verification 3.0.0). */
export type VerifyLocationResponse = Verification & {
  readonly lastLocationTime: string;
  /** The one identifier the answer is about, when the request named the device. */
  readonly device?: LocationDevice;
};

/** CAMARA Device Location Verification 3.0.0 `POST /verify`. */
export interface LocationVerificationService {
  /** `readBody` decodes the request body lazily so authentication errors come first. */
  verify(accessToken: string | undefined, readBody: () => unknown): Promise<VerifyLocationResponse>;
}

export interface LocationVerificationServiceDeps {
  readonly tokens: AccessTokenReader;
  /** The line a three-legged token's subscriber uses. */
  readonly subscribers: Pick<SandboxStateStore, 'msisdnFor'>;
  /** Which line holds a device IP address (the request's `ipv4Address` / `ipv6Address`). */
  readonly directory: SubscriberDirectory;
  /** The operator's subscriber rules: which phone numbers are its lines. */
  readonly subscriberRules: ReadonlyArray<SubscriberRule>;
  readonly locations: DeviceLocations;
  readonly policy: LocationVerificationPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
}

const lv422 = (code: string, message: string) => new CamaraError(422, code, message);

export function createLocationVerificationService(
  deps: LocationVerificationServiceDeps,
): LocationVerificationService {
  // Configured fix ages count from the sandbox's start.
  const startedAt = deps.clock.now();
  return {
    async verify(accessToken, readBody) {
      const token = await authenticateBearer(deps, accessToken);
      // Either style: `location-verification:verify` or `dpv:X#location-verification-verify-read`.
      if (!grantsScope(token.scope, VERIFY_SCOPES)) throw camaraError('PERMISSION_DENIED');
      const request = parseVerifyLocationRequest(readBody());
      const { msisdn, device } = identify(deps, token, request);
      const entry = Object.hasOwn(deps.locations, msisdn) ? deps.locations[msisdn] : undefined;
      if (entry === 'service-not-applicable')
        throw lv422(
          'SERVICE_NOT_APPLICABLE',
          'The service is not available for the provided identifier.',
        );
      checkArea(deps.policy, request);
      if (entry === undefined) {
        // The spec's maxAge rule: location "not known at all" with a maxAge → UNABLE_TO_FULFILL_MAX_AGE.
        if (request.maxAge !== undefined) throw unableToFulfillMaxAge();
        throw lv422(
          'LOCATION_VERIFICATION.UNABLE_TO_LOCATE',
          'The network is unable to locate the device.',
        );
      }
      const now = deps.clock.now();
      const fixedAt = entry.ageSeconds === undefined ? now : startedAt - entry.ageSeconds * 1000;
      if (request.maxAge !== undefined && now - fixedAt > request.maxAge * 1000)
        throw unableToFulfillMaxAge();
      const verification = verifyCircle(
        { latitude: entry.latitude, longitude: entry.longitude, radius: entry.accuracy },
        { ...request.area.center, radius: request.area.radius },
      );
      deps.logger.info('location verified', {
        clientId: token.clientId,
        verificationResult: verification.verificationResult,
      });
      return {
        ...verification,
        lastLocationTime: rfc3339(fixedAt),
        ...(device ? { device } : {}),
      };
    },
  };
}

const VERIFY_SCOPES = [LOCATION_VERIFICATION_SCOPE, LOCATION_VERIFICATION_HASH_STYLE_SCOPE];

const unableToFulfillMaxAge = () =>
  lv422(
    'LOCATION_VERIFICATION.UNABLE_TO_FULFILL_MAX_AGE',
    'Unable to provide expected freshness for location.',
  );

/**
 * The line the call is about (CAMARA Commonalities, "Identifying the device from the access
 * token"): a three-legged token's subscriber, who must not be named again (422
 * UNNECESSARY_IDENTIFIER); otherwise the request's `device` (422 MISSING_IDENTIFIER without
 * one), of which the first supported identifier in the order phoneNumber, ipv4Address,
 * ipv6Address is used and returned; `networkAccessIdentifier` is not supported (CAMARA does
 * not allow its use yet).
 */
function identify(
  deps: LocationVerificationServiceDeps,
  token: AccessTokenInfo,
  request: VerifyLocationRequest,
): { msisdn: string; device?: LocationDevice } {
  if (token.accountId !== undefined) {
    if (request.device)
      throw lv422(
        'UNNECESSARY_IDENTIFIER',
        'The device is already identified by the access token.',
      );
    const msisdn = deps.subscribers.msisdnFor(token.accountId);
    if (!msisdn) throw new CamaraError(404, 'IDENTIFIER_NOT_FOUND', 'Device identifier not found.');
    return { msisdn };
  }
  const device = request.device;
  if (!device) throw lv422('MISSING_IDENTIFIER', 'The device cannot be identified.');
  let msisdn: string | undefined;
  let used: LocationDevice;
  if (device.phoneNumber !== undefined) {
    used = { phoneNumber: device.phoneNumber };
    msisdn = isLine(deps, device.phoneNumber) ? device.phoneNumber : undefined;
  } else if (device.ipv4Address !== undefined) {
    used = { ipv4Address: device.ipv4Address };
    msisdn = deps.directory.msisdnAt(device.ipv4Address.publicAddress);
  } else if (device.ipv6Address !== undefined) {
    used = { ipv6Address: device.ipv6Address };
    msisdn = deps.directory.msisdnAt(device.ipv6Address);
  } else {
    throw lv422('UNSUPPORTED_IDENTIFIER', 'The identifier provided is not supported.');
  }
  if (!msisdn) throw new CamaraError(404, 'IDENTIFIER_NOT_FOUND', 'Device identifier not found.');
  return { msisdn, device: used };
}

/** A phone number is one of the operator's lines: a subscriber rule's number or prefix, or a located line. */
function isLine(deps: LocationVerificationServiceDeps, msisdn: string): boolean {
  if (Object.hasOwn(deps.locations, msisdn)) return true;
  return deps.subscriberRules.some((rule) =>
    'msisdnPrefix' in rule ? msisdn.startsWith(rule.msisdnPrefix) : rule.msisdn === msisdn,
  );
}

/** 422 INVALID_AREA below the operator's minimum radius, AREA_NOT_COVERED outside its coverage. */
function checkArea(policy: LocationVerificationPolicy, request: VerifyLocationRequest): void {
  const { center, radius } = request.area;
  if (radius < policy.minRadius)
    throw lv422(
      'LOCATION_VERIFICATION.INVALID_AREA',
      `The requested area is too small: the radius must be at least ${policy.minRadius} metres.`,
    );
  const box = policy.coverage;
  if (!box) return;
  const inLatitude = center.latitude >= box.south && center.latitude <= box.north;
  const inLongitude =
    box.west <= box.east
      ? center.longitude >= box.west && center.longitude <= box.east
      : center.longitude >= box.west || center.longitude <= box.east;
  if (!inLatitude || !inLongitude)
    throw lv422('LOCATION_VERIFICATION.AREA_NOT_COVERED', 'Unable to cover the requested area.');
}

/** RFC 3339 with `Z`, to the second. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
