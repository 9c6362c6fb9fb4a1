import { describe, expect, it } from '@jest/globals';
import { EARTH_RADIUS_M, distanceMetres, lensArea, verifyCircle } from './geometry.js';

const METRES_PER_DEGREE = (2 * Math.PI * EARTH_RADIUS_M) / 360;
const north = (metres: number) => metres / METRES_PER_DEGREE;

describe('distanceMetres (haversine)', () => {
  it('measures one degree of a meridian and Madrid–Barcelona', () => {
    expect(
      distanceMetres({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 0 }),
    ).toBeCloseTo(METRES_PER_DEGREE, 3);
    const madrid = { latitude: 40.4168, longitude: -3.7038 };
    const barcelona = { latitude: 41.3874, longitude: 2.1686 };
    expect(distanceMetres(madrid, barcelona) / 1000).toBeCloseTo(505, 0);
  });
});

describe('lensArea', () => {
  it('is the smaller disc when one contains the other, 0 when apart', () => {
    expect(lensArea(1, 3, 1)).toBeCloseTo(Math.PI);
    expect(lensArea(2, 2, 0)).toBeCloseTo(4 * Math.PI);
    expect(lensArea(1, 1, 2)).toBe(0);
  });

  it('is 2π/3 − √3/2 for unit circles one radius apart', () => {
    expect(lensArea(1, 1, 1)).toBeCloseTo((2 * Math.PI) / 3 - Math.sqrt(3) / 2, 10);
  });
});

describe('verifyCircle', () => {
  const network = { latitude: 0, longitude: 0, radius: 1000 };

  it('TRUE when the estimate lies inside the area', () => {
    expect(verifyCircle(network, { latitude: north(500), longitude: 0, radius: 1500 })).toEqual({
      verificationResult: 'TRUE',
    });
  });

  it('FALSE when they do not overlap', () => {
    expect(verifyCircle(network, { latitude: north(3000), longitude: 0, radius: 1999 })).toEqual({
      verificationResult: 'FALSE',
    });
  });

  it('PARTIAL with (R ∩ N) / N for an overlap: equal circles one radius apart → 39', () => {
    expect(verifyCircle(network, { latitude: north(1000), longitude: 0, radius: 1000 })).toEqual({
      verificationResult: 'PARTIAL',
      matchRate: 39,
    });
  });

  it('PARTIAL when the estimate contains the (smaller) area: R² / r²', () => {
    expect(verifyCircle(network, { latitude: 0, longitude: 0, radius: 500 })).toEqual({
      verificationResult: 'PARTIAL',
      matchRate: 25,
    });
  });

  it('keeps matchRate within 1..99', () => {
    const grazing = verifyCircle(network, { latitude: north(2990), longitude: 0, radius: 2000 });
    expect(grazing).toEqual({ verificationResult: 'PARTIAL', matchRate: 1 });
    const almost = verifyCircle(network, { latitude: north(10), longitude: 0, radius: 1000 });
    expect(almost).toEqual({ verificationResult: 'PARTIAL', matchRate: 99 });
  });
});
