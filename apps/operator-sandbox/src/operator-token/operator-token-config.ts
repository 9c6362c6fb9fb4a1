import { PHONE_NUMBER_PATTERN } from '@switchboard/camara';
import { z } from 'zod';
import type { SubscriberRule } from '../config.js';
import { createSubscriberDirectory } from '../services/subscriber-directory.js';

/**
 * An instance's operator-token data (`operatorToken` in config/sandbox.json): its Android
 * carrier id, how long a TS.43 Temporary Token lives, and the SIMs that can get one. SIM
 * authentication is simulated with a per-subscriber secret (no EAP-AKA, RFC 4187).
 */
export const operatorTokenConfig = z.strictObject({
  /** Android canonical carrier id of this operator (`android_carrier_hint`, eligibility). */
  carrierId: z
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1),
  /** Lifetime of a temp_token (GSMA TS.43 §2.8.6 leaves it to the operator). */
  tempTokenTtlSeconds: z.number().int().min(1).max(3600).default(120),
  sims: z.array(
    z.strictObject({
      msisdn: z.string().regex(PHONE_NUMBER_PATTERN, "must be E.164 with '+'"),
      /** The simulated SIM credential; the handset answers challenges with it. */
      secret: z.string().min(8, 'must be at least 8 characters'),
    }),
  ),
});

export type OperatorTokenConfig = Readonly<z.output<typeof operatorTokenConfig>>;

/**
 * What is wrong with an instance's `operatorToken` data beyond its schema, e.g.
 * `operatorToken.sims[0].msisdn: +34… is not a subscriber of this instance`.
 */
export function operatorTokenConfigProblems(
  subscribers: ReadonlyArray<SubscriberRule>,
  config: OperatorTokenConfig,
): string[] {
  const directory = createSubscriberDirectory(subscribers);
  const problems: string[] = [];
  const seen = new Set<string>();
  config.sims.forEach(({ msisdn }, i) => {
    if (!directory.serves(msisdn))
      problems.push(
        `operatorToken.sims[${i}].msisdn: ${msisdn} is not a subscriber of this instance`,
      );
    if (seen.has(msisdn))
      problems.push(`operatorToken.sims[${i}].msisdn: ${msisdn} is listed twice`);
    seen.add(msisdn);
  });
  return problems;
}
