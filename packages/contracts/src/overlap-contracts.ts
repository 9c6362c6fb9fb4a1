import { z } from 'zod';
import { JSON_OBJECT, requiredOperatorIdSchema } from './field-rules.js';

// Admin API `/admin/v1/overlaps…`: an admin lets an operator claim, itself, exact ranges or
// prefixes that overlap another operator's or are broader than it may claim alone.

export const approvalKindSchema = z.enum(['range', 'prefix']);
export type ApprovalKind = z.output<typeof approvalKindSchema>;

export const overlapApprovalSchema = z
  .object({
    operatorId: z.string(),
    kind: approvalKindSchema,
    /** Canonical CIDR or MSISDN prefix (digits). */
    value: z.string(),
    approvedBy: z.string(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .strict();
export type OverlapApproval = z.output<typeof overlapApprovalSchema>;

const COUNT = { error: 'give 1 to 1000 ranges or prefixes' };

/** CIDRs (a '.' or ':') or MSISDN prefixes, each canonicalised by the routing model. */
const approvalValuesSchema = z
  .array(z.string({ error: 'values must be CIDRs or MSISDN prefixes' }), COUNT)
  .min(1, COUNT)
  .max(1000, COUNT);

/** `POST /overlaps`. */
export const overlapApproveSchema = z.object(
  {
    operatorId: requiredOperatorIdSchema,
    values: approvalValuesSchema,
    /** Why (kept with the approval and in the audit log). */
    note: z.string({ error: 'note must be text' }).optional(),
  },
  JSON_OBJECT,
);
export type OverlapApprove = z.input<typeof overlapApproveSchema>;

/** `POST /overlaps/revoke`. */
export const overlapRevokeSchema = z.object(
  { operatorId: requiredOperatorIdSchema, values: approvalValuesSchema },
  JSON_OBJECT,
);
export type OverlapRevoke = z.input<typeof overlapRevokeSchema>;

export const overlapsApprovedSchema = z
  .object({ approved: z.array(overlapApprovalSchema) })
  .strict();
export type OverlapsApproved = z.output<typeof overlapsApprovedSchema>;
export const overlapsRevokedSchema = z.object({ revoked: z.number() }).strict();
export type OverlapsRevoked = z.output<typeof overlapsRevokedSchema>;
