import { describe, expect, it } from '@jest/globals';
import { ConflictError, InputError } from '@switchboard/telco-finder';
import { toProblem } from './problem.js';

// ADR 0002: the domain refuses with violation codes and plain words; the APIs add how an
// admin permits what only an approval permits, and name each detail's code for the CLI.
describe('refused route changes over HTTP', () => {
  it("says how an admin approves an operator's overlapping claim", () => {
    const problem = toProblem(
      new ConflictError(
        'already-exists',
        'domain words',
        [],
        [
          {
            code: 'overlap',
            noun: 'range',
            value: '88.10.0.0/16',
            operatorId: 'op-b',
            other: { operatorId: 'op-a', value: '88.0.0.0/11' },
            remedy: 'approval',
          },
        ],
      ),
    );
    expect(problem.status).toBe(409);
    expect(problem.code).toBe('ALREADY_EXISTS');
    expect(problem.publicMessage).toMatch(
      /range 88\.10\.0\.0\/16 of operator 'op-b' overlaps 88\.0\.0\.0\/11 of operator 'op-a'.*overlaps approve op-b 88\.10\.0\.0\/16/,
    );
    expect(problem.details?.[0]?.code).toBe('overlap');
  });

  it("leaves an admin's overlap to the caller's syntax, and keeps CSV lines", () => {
    const problem = toProblem(
      new InputError(
        'domain words',
        [],
        [
          {
            code: 'unknown-operator',
            noun: 'range',
            value: '10.0.0.0/8',
            operatorId: 'x',
            line: 3,
          },
        ],
      ),
    );
    expect(problem).toMatchObject({
      status: 400,
      publicMessage: "line 3: unknown operator 'x'",
      details: [{ line: 3, code: 'unknown-operator', message: "unknown operator 'x'" }],
    });
  });
});
