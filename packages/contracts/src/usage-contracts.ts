import { z } from 'zod';

// Admin API `GET /usage`: proxied CAMARA calls per UTC day × client × operator × API (docs/operations.md, "Usage metering").

/** A UTC calendar day, as `from` and `to` take it. */
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A report spans at most about a year: one query, one page, no runaway scans. */
export const MAX_USAGE_DAYS = 366;
const DAY_MS = 86_400_000;

/** A Date at midnight UTC as its day, `YYYY-MM-DD`. */
export const formatDay = (d: Date) => d.toISOString().slice(0, 10);

function daySchema(name: string) {
  const error = `${name} must be a date YYYY-MM-DD`;
  return z
    .string({ error })
    .regex(DAY_PATTERN, { error })
    .transform((value, ctx) => {
      const date = new Date(`${value}T00:00:00Z`);
      // Date rolls 2026-02-30 over to March: a real day prints back as itself.
      if (!Number.isNaN(date.getTime()) && formatDay(date) === value) return date;
      ctx.addIssue({ code: 'custom', message: `${name} is not a calendar day: ${value}` });
      return z.NEVER;
    });
}

const filter = (name: string) =>
  z
    .string({ error: `${name} must be given once` })
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/** The span is checked only once both days are real days. */
const daysRead = (payload: { issues: readonly unknown[] }) => payload.issues.length === 0;

/** `GET /usage?from=YYYY-MM-DD&to=YYYY-MM-DD[&client][&operator]`; both days inclusive. */
export const usageQuerySchema = z
  .object({
    from: daySchema('from'),
    to: daySchema('to'),
    client: filter('client'),
    operator: filter('operator'),
  })
  .refine((q) => q.to >= q.from, { error: 'to must not be before from', when: daysRead })
  .refine((q) => (q.to.getTime() - q.from.getTime()) / DAY_MS < MAX_USAGE_DAYS, {
    error: `a report covers at most ${MAX_USAGE_DAYS} days`,
    when: daysRead,
  });
export type UsageQuery = z.input<typeof usageQuerySchema>;

/** One day (UTC) × client × operator × API. */
export const usageReportRowSchema = z
  .object({
    day: z.string(),
    clientId: z.string(),
    operatorId: z.string(),
    api: z.string(),
    calls: z.number(),
    errors: z.number(),
    clientErrors: z.number(),
    serverErrors: z.number(),
    /** errors / calls, 0..1. */
    errorRate: z.number(),
    p50LatencyMs: z.number(),
    avgLatencyMs: z.number(),
  })
  .strict();
export type UsageReportRow = z.output<typeof usageReportRowSchema>;

export const usageReportSchema = z
  .object({ from: z.string(), to: z.string(), items: z.array(usageReportRowSchema) })
  .strict();
export type UsageReport = z.output<typeof usageReportSchema>;
