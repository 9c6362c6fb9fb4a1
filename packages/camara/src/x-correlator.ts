import { camaraError } from './camara-error.js';
import { randomUuid } from './random-uuid.js';

export const X_CORRELATOR_HEADER = 'x-correlator';

/** CAMARA Commonalities XCorrelator schema (NV 2.1 `components.schemas.XCorrelator`). */
export const X_CORRELATOR_PATTERN = /^[a-zA-Z0-9\-_:;./<>{}]{0,256}$/;

/**
 * Returns the request's correlator (or undefined when absent). A value that breaks the
 * pattern, or a header sent more than once, is a 400 INVALID_ARGUMENT.
 */
export function validateCorrelator(
  value: string | ReadonlyArray<string> | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw camaraError('INVALID_ARGUMENT', 'Only one x-correlator header is allowed.');
  }
  if (!X_CORRELATOR_PATTERN.test(value)) {
    throw camaraError(
      'INVALID_ARGUMENT',
      'The x-correlator header does not match the required pattern.',
    );
  }
  return value;
}

/** A fresh correlator; UUID is the format CAMARA recommends. */
export function newCorrelator(): string {
  return randomUuid();
}
