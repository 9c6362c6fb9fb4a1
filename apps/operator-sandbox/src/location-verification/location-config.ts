import { PHONE_NUMBER_PATTERN } from '@switchboard/camara';
import { z } from 'zod';

/**
 * The sandbox's subscriber locations (config/sandbox.json `deviceLocations`, per instance):
 * MSISDN → where the network last located the line, or `"service-not-applicable"`.
 * `ageSeconds` is the age of that fix when the sandbox starts (its clock then moves on): the
 * network cannot locate the line again. Without it the line is reachable and located afresh
 * at each request. A subscriber without an entry cannot be located.
 */
const location = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  /** Radius in metres of the network's estimate around (latitude, longitude). */
  accuracy: z.number().min(1).max(1_000_000),
  ageSeconds: z.number().int().min(0).optional(),
});

export const deviceLocationsSchema = z
  .record(
    z.string(),
    z.union([location, z.literal('service-not-applicable')], {
      error: 'must be {latitude, longitude, accuracy, ageSeconds?} or "service-not-applicable"',
    }),
  )
  .superRefine((locations, ctx) => {
    for (const msisdn of Object.keys(locations)) {
      if (!PHONE_NUMBER_PATTERN.test(msisdn))
        ctx.addIssue({
          code: 'custom',
          path: [msisdn],
          message: "must be an E.164 number with '+'",
        });
    }
  });

/**
 * The operator's Location Verification policy (`locationVerification`): the smallest radius
 * it accepts (422 LOCATION_VERIFICATION.INVALID_AREA) and the box it covers
 * (a centre outside is 422 LOCATION_VERIFICATION.AREA_NOT_COVERED).
 */
export const locationVerificationSchema = z
  .strictObject({
    minRadius: z.number().min(1).default(1),
    coverage: z
      .strictObject({
        south: z.number().min(-90).max(90),
        west: z.number().min(-180).max(180),
        north: z.number().min(-90).max(90),
        east: z.number().min(-180).max(180),
      })
      .refine((c) => c.south <= c.north, 'south must not be above north')
      .optional(),
  })
  .default({ minRadius: 1 });

export type DeviceLocations = Readonly<z.output<typeof deviceLocationsSchema>>;
export type DeviceLocationEntry = DeviceLocations[string];
export type LocationVerificationPolicy = Readonly<z.output<typeof locationVerificationSchema>>;
