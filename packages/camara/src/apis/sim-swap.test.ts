import { describe, expect, it } from '@jest/globals';
import type { CamaraError } from '../camara-error.js';
import { camaraStyleScope, hashStyleScope } from '../camara-apis.js';
import { parsePurposeScope } from '../purpose-scope.js';
import { SIM_SWAP_API, parseSimSwapRequest } from './sim-swap.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as CamaraError).code;
  }
};

describe('SIM Swap 2.1.0 (r3.3)', () => {
  it('declares POST /check and /retrieve-date with their scopes in both styles', () => {
    expect(SIM_SWAP_API.operations.map((o) => [o.method, o.path, o.scope])).toEqual([
      ['POST', '/check', 'sim-swap:check'],
      ['POST', '/retrieve-date', 'sim-swap:retrieve-date'],
    ]);
    expect(hashStyleScope('sim-swap:check')).toBe('check-sim-swap');
    expect(hashStyleScope('sim-swap:retrieve-date')).toBe('retrieve-sim-swap-date');
    expect(camaraStyleScope('retrieve-sim-swap-date')).toBe('sim-swap:retrieve-date');
  });

  it('parses the scopes in each operator style', () => {
    expect(
      parsePurposeScope('camara', 'openid dpv:FraudPreventionAndDetection sim-swap:check'),
    ).toMatchObject({ apiScopes: ['sim-swap:check'], unknown: [] });
    expect(
      parsePurposeScope('dpv-hash', 'dpv:FraudPreventionAndDetection#retrieve-sim-swap-date'),
    ).toMatchObject({ apiScopes: ['retrieve-sim-swap-date'], unknown: [] });
    expect(parsePurposeScope('camara', 'sim-swap').unknown).toEqual(['sim-swap']);
  });

  it('defaults maxAge to 240 and keeps phoneNumber', () => {
    expect(parseSimSwapRequest('check', {})).toEqual({ maxAge: 240 });
    expect(parseSimSwapRequest('check', { phoneNumber: '+346001000007', maxAge: 1 })).toEqual({
      phoneNumber: '+346001000007',
      maxAge: 1,
    });
    expect(parseSimSwapRequest('retrieve-date', { maxAge: 'ignored' })).toEqual({});
  });

  it.each([
    [undefined, 'INVALID_ARGUMENT'],
    [[], 'INVALID_ARGUMENT'],
    ['x', 'INVALID_ARGUMENT'],
    [{ phoneNumber: '346001000007' }, 'INVALID_ARGUMENT'],
    [{ phoneNumber: 346001000007 }, 'INVALID_ARGUMENT'],
    [{ maxAge: '24' }, 'INVALID_ARGUMENT'],
    [{ maxAge: 1.5 }, 'INVALID_ARGUMENT'],
    [{ maxAge: 0 }, 'OUT_OF_RANGE'],
    [{ maxAge: 2401 }, 'OUT_OF_RANGE'],
    [{ maxAge: 100000 }, 'OUT_OF_RANGE'],
  ])('refuses check body %j with %s', (body, code) => {
    expect(codeOf(() => parseSimSwapRequest('check', body))).toBe(code);
    expect(codeOf(() => SIM_SWAP_API.operations[0]!.checkBody!(body))).toBe(code);
  });
});
