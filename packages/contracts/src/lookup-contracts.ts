import { z } from 'zod';

// Admin API `GET /lookup` and `GET /index`: what the in-memory routing index answers.

/** `GET /lookup?ip=…` or `?phoneNumber=…` (E.164 with its '+', CAMARA NV 2.1). */
export type LookupQuery = { ip: string } | { phoneNumber: string };

export const lookupResultSchema = z
  .object({
    operatorId: z.string(),
    operatorName: z.string(),
    /** The route that matched: a range, an MSISDN prefix (digits) or an MCC-MNC network. */
    matched: z.object({ type: z.enum(['ip', 'msisdn', 'network']), value: z.string() }).strict(),
    /** The matched route is dynamic: its operator's second-level telco finder (GSMA OPG.10). */
    telcoFinder: z.string().optional(),
  })
  .strict();
export type LookupResult = z.output<typeof lookupResultSchema>;

/** `GET /index`. */
export const indexStatsSchema = z
  .object({
    ready: z.boolean(),
    ipv4Prefixes: z.number(),
    ipv6Prefixes: z.number(),
    msisdnPrefixes: z.number(),
    operators: z.number(),
    builtAt: z.string().optional(),
    buildMs: z.number(),
    generation: z.number(),
  })
  .strict();
export type IndexStats = z.output<typeof indexStatsSchema>;
