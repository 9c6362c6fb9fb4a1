/**
 * How the sandbox verifies a location. The network's estimate is a circle N (the line's
 * position and accuracy radius r); the request is a circle R (centre and radius ρ); d is the
 * great-circle distance between the centres (haversine, mean Earth radius 6 371 008.8 m).
 *
 * - N inside R (d + r ≤ ρ): TRUE.
 * - N and R disjoint (d ≥ r + ρ): FALSE.
 * - Otherwise PARTIAL, with matchRate = area(R ∩ N) / area(N) × 100 (the spec's `MatchRate`),
 *   the intersection being the lens of two plane circles of radii r and ρ at distance d,
 *   rounded to an integer and kept within the spec's 1..99.
 *
 * The plane lens is exact for a flat Earth and within a fraction of a percent of the
 * spherical caps' intersection for radii up to a few hundred kilometres.
 */
export type Verification =
  | { readonly verificationResult: 'TRUE' | 'FALSE' }
  | { readonly verificationResult: 'PARTIAL'; readonly matchRate: number };

export interface Circle {
  readonly latitude: number;
  readonly longitude: number;
  readonly radius: number;
}

export const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceMetres(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Area of the intersection of two plane circles of radii r1, r2 whose centres are d apart. */
export function lensArea(r1: number, r2: number, d: number): number {
  if (d >= r1 + r2) return 0;
  if (d <= Math.abs(r1 - r2)) return Math.PI * Math.min(r1, r2) ** 2;
  const clamp = (x: number) => Math.max(-1, Math.min(1, x));
  const a1 = Math.acos(clamp((d * d + r1 * r1 - r2 * r2) / (2 * d * r1)));
  const a2 = Math.acos(clamp((d * d + r2 * r2 - r1 * r1) / (2 * d * r2)));
  const kite = Math.sqrt(
    Math.max(0, (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2)),
  );
  return r1 * r1 * a1 + r2 * r2 * a2 - kite / 2;
}

/** The verification of the network's estimate `network` against the requested `area`. */
export function verifyCircle(network: Circle, area: Circle): Verification {
  const d = distanceMetres(network, area);
  if (d + network.radius <= area.radius) return { verificationResult: 'TRUE' };
  if (d >= network.radius + area.radius) return { verificationResult: 'FALSE' };
  const share = lensArea(network.radius, area.radius, d) / (Math.PI * network.radius ** 2);
  const matchRate = Math.min(99, Math.max(1, Math.round(share * 100)));
  return { verificationResult: 'PARTIAL', matchRate };
}
