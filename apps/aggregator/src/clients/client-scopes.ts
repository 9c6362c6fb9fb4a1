import { z } from 'zod';
import { ALL_NV_SCOPES, NV_SCOPES } from '@switchboard/camara';

/**
 * What a new app may request unless an admin says otherwise: the verify operation of
 * NV 2.1 and NV 0.3.1, which answers yes/no for a number the app already has. The
 * device-phone-number ("share") operation returns the number itself, so an admin grants it
 * to an app explicitly (least privilege).
 */
export const DEFAULT_ALLOWED_SCOPES: readonly string[] = [NV_SCOPES.v2.verify, NV_SCOPES.v0.verify];

/** The CAMARA API scopes an admin can allow: those the aggregator issues tokens for. */
export const ALLOWABLE_SCOPES: readonly string[] = ALL_NV_SCOPES;

/** A list of allowed scopes: known ones only, each once, in ALLOWABLE_SCOPES order. */
export const allowedScopesSchema = z
  .array(
    z.string().refine((s) => ALLOWABLE_SCOPES.includes(s), {
      message: `must be one of ${ALLOWABLE_SCOPES.join(', ')}`,
    }),
  )
  .max(ALLOWABLE_SCOPES.length * 2)
  .transform((scopes) => ALLOWABLE_SCOPES.filter((s) => scopes.includes(s)));
