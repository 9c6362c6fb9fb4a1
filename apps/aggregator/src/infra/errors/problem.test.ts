import { describe, expect, it } from '@jest/globals';
import { CamaraError } from '@switchboard/camara';
import { InputError } from '@switchboard/telco-finder';
import { problemBody } from '../http/problem-responses.js';
import { toProblem } from './problem.js';

describe("Commonalities r4.4: code ≤ 96 characters and message ≤ 512 in Switchboard's own errors", () => {
  it.each([
    ['a domain refusal', new InputError(`malformed value '${'9'.repeat(2000)}'`)],
    ['a CAMARA error', new CamaraError(400, `X.${'Y'.repeat(300)}`, 'z'.repeat(600))],
  ])('bounds %s on every surface', (_name, err) => {
    const problem = toProblem(err);
    for (const surface of ['admin', 'camara'] as const) {
      const body = problemBody(problem, surface);
      expect([...body.code].length).toBeLessThanOrEqual(96);
      expect([...body.message].length).toBeLessThanOrEqual(512);
      expect(body.status).toBe(400);
    }
  });
});
