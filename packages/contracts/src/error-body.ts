import { z } from 'zod';

/**
 * Where refused input was wrong: a CSV line, a body field, or just what; `code` names a
 * refused route change's rule (ADR 0002).
 */
export const errorDetailSchema = z
  .object({
    line: z.number().optional(),
    field: z.string().optional(),
    code: z.string().optional(),
    message: z.string(),
  })
  .strict();
export type ErrorDetail = z.output<typeof errorDetailSchema>;

/**
 * Every admin API and operator API error: the CAMARA error shape (Commonalities "Error
 * Responses": `status`, `code`, `message`), plus line or field details of refused input.
 */
export const errorBodySchema = z
  .object({
    status: z.number(),
    code: z.string(),
    message: z.string(),
    details: z.array(errorDetailSchema).optional(),
  })
  .strict();
export type ErrorBody = z.output<typeof errorBodySchema>;
