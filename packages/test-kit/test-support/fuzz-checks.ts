import { expect } from '@jest/globals';
import type { FuzzResponse } from './fuzz-support.js';

// The fuzz suites' response checks, with Jest's expect. Apart from the generators
// (fuzz-support.ts) so that code run outside Jest (benchmarks, the resilience harness) can
// use the generators.

/** CAMARA endpoints: every error is `{status, code, message}` with the response's status. */
export function expectCamaraError(res: FuzzResponse): void {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body).toEqual({
    status: res.status,
    code: expect.stringMatching(/^[A-Z_.]+$/),
    message: expect.any(String),
  });
}

/** OAuth endpoints answering JSON (RFC 6749 §5.2): an `error` code, never a 5xx. */
export function expectOAuthJsonError(res: FuzzResponse): void {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body.error).toEqual(expect.stringMatching(/^[a-z_]+$/));
}
