import { isIP } from 'node:net';
import { z } from 'zod';

// Admin API `/admin/v1/operators/{id}/test-subscriber`, `…/conformance-checks` and
// `/admin/v1/operator-health` (docs/operator-conformance.md).

/** E.164 with '+' (CAMARA `PhoneNumber`). */
const E164 = /^\+[1-9][0-9]{4,14}$/;

/** `PUT /operators/{id}/test-subscriber`: null clears a field. */
export const testSubscriberSchema = z
  .object({
    deviceIp: z
      .string({ error: 'deviceIp must be an IP address' })
      .refine((v) => isIP(v) !== 0, {
        error: 'deviceIp must be an IP address (e.g. 127.10.0.5 or ::1)',
      })
      .nullable(),
    phoneNumber: z
      .string({ error: 'phoneNumber must be a string' })
      .regex(E164, 'phoneNumber must be E.164 with a leading + (e.g. +34600000001)')
      .nullable(),
  })
  .partial()
  .strict();
export type TestSubscriberInput = z.input<typeof testSubscriberSchema>;

/** The test subscriber as stored. */
export interface TestSubscriber {
  readonly deviceIp: string | null;
  readonly phoneNumber: string | null;
}

/** `pass`; `fail`; `info`: not a failure (e.g. CIBA not offered, no test subscriber). */
export const scenarioOutcomeSchema = z.enum(['pass', 'fail', 'info']);
export type ScenarioOutcome = z.output<typeof scenarioOutcomeSchema>;

export interface ScenarioResult {
  /** `discovery.issuer`, `sim-swap/v2 check @check_sim_swap_401.1_no_authorization_header`… */
  readonly id: string;
  readonly expected: string;
  readonly got: string;
  readonly outcome: ScenarioOutcome;
}

/** One run of the conformance suite against one operator. */
export interface ConformanceResult {
  readonly operatorId: string;
  readonly ranAt: string;
  readonly passed: boolean;
  readonly failed: number;
  readonly scenarios: readonly ScenarioResult[];
}

/** A window such as `24h`, `90m`, `7d`: at least a minute, at most 31 days. */
export const WINDOW_PATTERN = /^([1-9][0-9]{0,5})(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const MAX_WINDOW_MS = 31 * UNIT_MS.d;

/** The window in milliseconds, or undefined when it is not of the form `<n>m|h|d`. */
export function windowMs(value: string): number | undefined {
  const m = WINDOW_PATTERN.exec(value);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms <= MAX_WINDOW_MS ? ms : undefined;
}

/** `GET /operator-health?window=24h`. */
export const healthQuerySchema = z
  .object({
    window: z
      .string({ error: 'window must be given once' })
      .optional()
      .refine((v) => v === undefined || windowMs(v) !== undefined, {
        error: 'window must be a duration like 30m, 24h or 7d (at most 31d)',
      }),
  })
  .strict();

/** Latency over the window: count, p50, p99 in milliseconds (null without samples). */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** One operator's scorecard over the window. */
export interface OperatorHealth {
  readonly operatorId: string;
  readonly status: string;
  /** Device sent to the operator → its callback came back (this process's flows). */
  readonly authorizeLeg: LatencySummary & { readonly failed: number };
  /** Code → OperatorAccessToken at the operator's token endpoint. */
  readonly tokenLeg: LatencySummary & { readonly failed: number; readonly timeouts: number };
  /** Proxied CAMARA calls (usage metering). */
  readonly calls: LatencySummary & { readonly errorRate: number; readonly timeoutRate: number };
  readonly circuitOpenings: number;
  readonly lastConformance: {
    readonly ranAt: string;
    readonly passed: boolean;
    readonly failed: number;
  } | null;
}

export interface HealthReport {
  readonly window: string;
  readonly since: string;
  readonly items: readonly OperatorHealth[];
}
