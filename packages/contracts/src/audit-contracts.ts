import { z } from 'zod';

// Admin API `GET /audit` and operator API `GET /operators/v1/operators/{id}/audit`.

/** One audit-log entry: who (actor), what (action, detail with before/after), when (at). */
export const auditRecordSchema = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    operatorId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .strict();
export type AuditRecord = z.output<typeof auditRecordSchema>;

/**
 * A time JavaScript reads and PostgreSQL stores (years 1–9999). Found by the fuzz suites: a
 * year before 4713 BC failed the query with a 500.
 */
export function auditTime(value: string): Date | undefined {
  const at = new Date(value);
  const year = at.getUTCFullYear();
  return Number.isNaN(at.getTime()) || year < 1 || year > 9999 ? undefined : at;
}

const notATime = (value: unknown) =>
  `since: not a time: '${String(value)}' (e.g. 2026-12-01 or 2026-12-01T10:00:00Z)`;

/** `since`: entries from this time on. */
const sinceSchema = z
  .string({ error: (issue) => notATime(issue.input) })
  .transform((value, ctx) => {
    const at = auditTime(value);
    if (at) return at;
    ctx.addIssue({ code: 'custom', message: notATime(value) });
    return z.NEVER;
  });

/** `limit`: at most this many of the newest entries. */
function limitSchema(max: number) {
  const error = `limit must be 1–${max}`;
  return z
    .string({ error })
    .transform(Number)
    .pipe(z.number({ error }).int({ error }).min(1, { error }).max(max, { error }));
}

/** A query parameter left empty counts as not given (`?operator=&since=`). */
function blankAsAbsent<O>(schema: z.ZodType<O, string>, name: string) {
  return z
    .string({ error: `${name} must be given once` })
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(schema.optional());
}

/** Admin API `GET /audit?operator&since&limit`. */
export const adminAuditQuerySchema = z.object({
  operator: blankAsAbsent(z.string(), 'operator'),
  since: blankAsAbsent(sinceSchema, 'since'),
  limit: blankAsAbsent(limitSchema(10_000), 'limit'),
});
export type AdminAuditQuery = z.input<typeof adminAuditQuerySchema>;

/** Operator API `GET …/audit?since&limit`: the operator's own trail. */
export const operatorAuditQuerySchema = z.object({
  since: sinceSchema.optional(),
  limit: limitSchema(1000).optional(),
});
export type OperatorAuditQuery = z.input<typeof operatorAuditQuerySchema>;
