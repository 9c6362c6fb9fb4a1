import { isIP } from 'node:net';
import { camaraError } from '../camara-error.js';
import type { CamaraApi } from '../camara-apis.js';

/**
 * CAMARA Device Location Verification 3.0.0 (DeviceLocation release r3.2,
 * `code/API_definitions/location-verification.yaml`): `POST /location-verification/v3/verify`.
 */
export const LOCATION_VERIFICATION_VERSION = 'v3';

/** The spec's `security.openId` scope of `verifyLocation`. */
export const LOCATION_VERIFICATION_SCOPE = 'location-verification:verify';

/**
 * The same permission in the `dpv-hash` style (`dpv:<Purpose>#location-verification-verify-read`),
 * named as Number Verification's is there (`number-verification-verify-read`):
 * `<api>-<operation>-read`, the CAMARA scope spelling of before the `api:operation` form.
 */
export const LOCATION_VERIFICATION_HASH_STYLE_SCOPE = 'location-verification-verify-read';

/** `Device.ipv4Address` (`DeviceIpv4Addr`). */
export interface DeviceIpv4Address {
  readonly publicAddress: string;
  readonly privateAddress?: string;
  readonly publicPort?: number;
}

/** `Device`: at least one identifier. */
export interface LocationDevice {
  readonly phoneNumber?: string;
  readonly networkAccessIdentifier?: string;
  readonly ipv4Address?: DeviceIpv4Address;
  readonly ipv6Address?: string;
}

/** `Circle`, the only `AreaType` of the release. */
export interface CircleArea {
  readonly areaType: 'CIRCLE';
  readonly center: { readonly latitude: number; readonly longitude: number };
  /** Metres from `center`, at least 1. */
  readonly radius: number;
}

/** `VerifyLocationRequest`. */
export interface VerifyLocationRequest {
  readonly device?: LocationDevice;
  readonly area: CircleArea;
  /** Seconds; absent means any age. */
  readonly maxAge?: number;
}

/** `PhoneNumber`. */
const PHONE_NUMBER = /^\+[1-9][0-9]{4,14}$/;

const invalid = (message: string) => camaraError('INVALID_ARGUMENT', message);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a `VerifyLocationRequest` against the release's schema: 400 INVALID_ARGUMENT for
 * what the schema refuses (scenarios 400.1–400.4, C01.01, C01.02), 400 OUT_OF_RANGE for a
 * negative `maxAge` (an integer the schema allows but no age can be). Properties the schema
 * does not name are ignored (it does not forbid them).
 */
export function parseVerifyLocationRequest(body: unknown): VerifyLocationRequest {
  if (body === undefined) throw invalid('The request body is required.');
  if (!isObject(body)) throw invalid('The request body must be a JSON object.');
  const device = body.device === undefined ? undefined : parseDevice(body.device);
  if (body.area === undefined) throw invalid('area is required.');
  const area = parseArea(body.area);
  let maxAge: number | undefined;
  if (body.maxAge !== undefined) {
    if (typeof body.maxAge !== 'number' || !Number.isSafeInteger(body.maxAge))
      throw invalid('maxAge must be an integer number of seconds.');
    if (body.maxAge < 0) throw camaraError('OUT_OF_RANGE', 'maxAge must not be negative.');
    maxAge = body.maxAge;
  }
  return { ...(device ? { device } : {}), area, ...(maxAge === undefined ? {} : { maxAge }) };
}

function parseDevice(value: unknown): LocationDevice {
  if (!isObject(value)) throw invalid('device must be an object.');
  if (Object.keys(value).length === 0) throw invalid('device must name at least one identifier.');
  const device: Record<string, unknown> = {};
  const { phoneNumber, networkAccessIdentifier, ipv4Address, ipv6Address } = value;
  if (phoneNumber !== undefined) {
    if (typeof phoneNumber !== 'string' || !PHONE_NUMBER.test(phoneNumber))
      throw invalid("device.phoneNumber must be E.164 with a leading '+'.");
    device.phoneNumber = phoneNumber;
  }
  if (networkAccessIdentifier !== undefined) {
    if (typeof networkAccessIdentifier !== 'string')
      throw invalid('device.networkAccessIdentifier must be a string.');
    device.networkAccessIdentifier = networkAccessIdentifier;
  }
  if (ipv4Address !== undefined) device.ipv4Address = parseIpv4Address(ipv4Address);
  if (ipv6Address !== undefined) {
    if (typeof ipv6Address !== 'string' || isIP(ipv6Address) !== 6)
      throw invalid('device.ipv6Address must be an IPv6 address.');
    device.ipv6Address = ipv6Address;
  }
  return device as LocationDevice;
}

function parseIpv4Address(value: unknown): DeviceIpv4Address {
  const message =
    'device.ipv4Address must be {publicAddress, privateAddress} or {publicAddress, publicPort}.';
  if (!isObject(value)) throw invalid(message);
  const { publicAddress, privateAddress, publicPort } = value;
  const ipv4 = (a: unknown) => typeof a === 'string' && isIP(a) === 4;
  if (!ipv4(publicAddress)) throw invalid(message);
  if (privateAddress !== undefined && !ipv4(privateAddress)) throw invalid(message);
  if (
    publicPort !== undefined &&
    (typeof publicPort !== 'number' ||
      !Number.isInteger(publicPort) ||
      publicPort < 0 ||
      publicPort > 65535)
  )
    throw invalid(message);
  if (privateAddress === undefined && publicPort === undefined) throw invalid(message);
  return {
    publicAddress: publicAddress as string,
    ...(privateAddress === undefined ? {} : { privateAddress: privateAddress as string }),
    ...(publicPort === undefined ? {} : { publicPort: publicPort as number }),
  };
}

function parseArea(value: unknown): CircleArea {
  if (!isObject(value)) throw invalid('area must be an object.');
  if (value.areaType === undefined) throw invalid('area.areaType is required.');
  if (value.areaType !== 'CIRCLE') throw invalid('area.areaType must be CIRCLE.');
  if (value.center === undefined) throw invalid('area.center is required.');
  const center = value.center;
  if (!isObject(center)) throw invalid('area.center must be an object.');
  const latitude = coordinate(center.latitude, 'area.center.latitude', 90);
  const longitude = coordinate(center.longitude, 'area.center.longitude', 180);
  if (value.radius === undefined) throw invalid('area.radius is required.');
  if (typeof value.radius !== 'number' || !Number.isFinite(value.radius) || value.radius < 1)
    throw invalid('area.radius must be a number of metres, at least 1.');
  return { areaType: 'CIRCLE', center: { latitude, longitude }, radius: value.radius };
}

function coordinate(value: unknown, name: string, limit: number): number {
  if (value === undefined) throw invalid(`${name} is required.`);
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit)
    throw invalid(`${name} must be a number from -${limit} to ${limit}.`);
  return value;
}

/** Location Verification 3.0.0 (`/location-verification/v3`): `POST /verify`. */
export const LOCATION_VERIFICATION_API: CamaraApi = {
  name: 'location-verification',
  version: LOCATION_VERIFICATION_VERSION,
  operations: [
    {
      operation: 'verify',
      method: 'POST',
      path: '/verify',
      scope: LOCATION_VERIFICATION_SCOPE,
      hashStyleScope: LOCATION_VERIFICATION_HASH_STYLE_SCOPE,
      // `VerifyLocationRequest`: the schema's rules, the same the operators apply.
      checkBody: (body) => void parseVerifyLocationRequest(body),
    },
  ],
};
