import { describe, expect, it } from '@jest/globals';
import { isDatabaseUnavailable } from './database-errors.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', withCode('ECONNRESET')],
    ['a connect timeout', withCode('ETIMEDOUT')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a lost connection (pg wording 2)', new Error('Connection ended unexpectedly')],
    ['a pg connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'knex pool acquire timeout',
      Object.assign(new Error('Timeout'), { name: 'KnexTimeoutError' }),
    ],
    ['SQLSTATE 08006 connection failure', withCode('08006')],
    ['SQLSTATE 57P01 admin shutdown', withCode('57P01')],
    ['SQLSTATE 57P03 cannot connect now', withCode('57P03')],
    ['SQLSTATE 53300 too many connections', withCode('53300')],
    ['a wrapped cause', new Error('query failed', { cause: withCode('ECONNREFUSED') })],
    ['a dual-stack AggregateError', new AggregateError([withCode('ECONNREFUSED')], 'connect')],
  ])('is true for %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value')],
    ['a syntax error', withCode('42601', 'syntax error at or near')],
    ['an undefined table', withCode('42P01')],
    ['a plain error', new Error('something else')],
    ['a string', 'ECONNREFUSED'],
    ['undefined', undefined],
    [
      'a self-referencing cause',
      (() => {
        const e = new Error('loop') as Error & { cause?: unknown };
        e.cause = e;
        return e;
      })(),
    ],
  ])('is false for %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
