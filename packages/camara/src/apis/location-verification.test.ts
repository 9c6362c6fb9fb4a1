import { describe, expect, it } from '@jest/globals';
import { CamaraError } from '../camara-error.js';
import { parseVerifyLocationRequest } from './location-verification.js';

const area = {
  areaType: 'CIRCLE',
  center: { latitude: 40.4168, longitude: -3.7038 },
  radius: 2000,
};

function refusal(body: unknown): { status: number; code: string } | undefined {
  try {
    parseVerifyLocationRequest(body);
    return undefined;
  } catch (err) {
    if (!(err instanceof CamaraError)) throw err;
    return { status: err.status, code: err.code };
  }
}

describe('parseVerifyLocationRequest (VerifyLocationRequest, Location Verification 3.0.0)', () => {
  it('accepts the spec examples', () => {
    expect(
      parseVerifyLocationRequest({ device: { phoneNumber: '+123456789' }, area, maxAge: 120 }),
    ).toEqual({
      device: { phoneNumber: '+123456789' },
      area,
      maxAge: 120,
    });
    const ipv4 = { publicAddress: '123.234.1.2', publicPort: 1234 };
    expect(parseVerifyLocationRequest({ device: { ipv4Address: ipv4 }, area }).device).toEqual({
      ipv4Address: ipv4,
    });
    expect(parseVerifyLocationRequest({ area, maxAge: 0 })).toEqual({ area, maxAge: 0 });
    expect(parseVerifyLocationRequest({ area, extra: true })).toEqual({ area });
  });

  it.each([
    ['no body', undefined],
    ['an array', []],
    ['empty object', {}],
    ['device {}', { device: {}, area }],
    ['phone number without +', { device: { phoneNumber: '123456789' }, area }],
    [
      'ipv4 without port or private address',
      { device: { ipv4Address: { publicAddress: '1.2.3.4' } }, area },
    ],
    [
      'ipv4 not an address',
      { device: { ipv4Address: { publicAddress: 'x', publicPort: 1 } }, area },
    ],
    [
      'ipv4 port too big',
      { device: { ipv4Address: { publicAddress: '1.2.3.4', publicPort: 65536 } }, area },
    ],
    ['ipv6 not an address', { device: { ipv6Address: '1.2.3.4' }, area }],
    ['NAI not a string', { device: { networkAccessIdentifier: 5 }, area }],
    ['areaType POLYGON', { area: { ...area, areaType: 'POLYGON' } }],
    ['latitude 91', { area: { ...area, center: { latitude: 91, longitude: 0 } } }],
    ['longitude -181', { area: { ...area, center: { latitude: 0, longitude: -181 } } }],
    ['latitude a string', { area: { ...area, center: { latitude: '40', longitude: 0 } } }],
    ['radius 0.5', { area: { ...area, radius: 0.5 } }],
    ['maxAge 1.5', { area, maxAge: 1.5 }],
    ['maxAge "60"', { area, maxAge: '60' }],
    ['no area', { maxAge: 60 }],
    ['no areaType', { area: { center: area.center, radius: 10 } }],
    ['no center', { area: { areaType: 'CIRCLE', radius: 10 } }],
    ['no latitude', { area: { ...area, center: { longitude: 0 } } }],
    ['no longitude', { area: { ...area, center: { latitude: 0 } } }],
    ['no radius', { area: { areaType: 'CIRCLE', center: area.center } }],
  ])('%s → 400 INVALID_ARGUMENT', (_name, body) => {
    expect(refusal(body)).toEqual({ status: 400, code: 'INVALID_ARGUMENT' });
  });

  it('a negative maxAge → 400 OUT_OF_RANGE', () => {
    expect(refusal({ area, maxAge: -1 })).toEqual({ status: 400, code: 'OUT_OF_RANGE' });
  });
});
