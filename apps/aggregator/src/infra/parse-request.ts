import type { z } from 'zod';
import { InputError } from '@switchboard/telco-finder';

/**
 * Validates a request's body or query with its contract (@switchboard/contracts). The
 * contracts of the admin and operator APIs word each refusal as a whole sentence, so the
 * first one is the message: a 400 INVALID_ARGUMENT through the one error mapper.
 */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InputError(parsed.error.issues[0]!.message);
}
