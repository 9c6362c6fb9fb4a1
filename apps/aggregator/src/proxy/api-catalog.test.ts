import { describe, expect, it } from '@jest/globals';
import { NV_SCOPES, isCamaraError } from '@switchboard/camara';
import { apiDefinitionsSchema, createApiCatalog, type ApiDefinition } from './api-catalog.js';
import { CamaraError } from '@switchboard/camara';

const simSwap: ApiDefinition = {
  name: 'sim-swap',
  version: 'v1',
  operations: [
    { operation: 'check', method: 'POST', path: '/check', scopes: ['sim-swap:check'] },
    {
      operation: 'retrieve-date',
      method: 'POST',
      path: '/retrieve-date',
      scopes: ['sim-swap:retrieve-date'],
    },
    { operation: 'get-session', method: 'GET', path: '/sessions/:id', scopes: ['sim-swap:read'] },
  ],
};

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('api catalog', () => {
  const catalog = createApiCatalog([simSwap]);

  it.each([
    ['POST', '/number-verification/v2/verify', 'v2', 'verify', NV_SCOPES.v2.verify],
    [
      'GET',
      '/number-verification/v2/device-phone-number',
      'v2',
      'device-phone-number',
      NV_SCOPES.v2['device-phone-number'],
    ],
    ['POST', '/number-verification/v0/verify', 'v0', 'verify', NV_SCOPES.v0.verify],
    [
      'GET',
      '/number-verification/v0/device-phone-number',
      'v0',
      'device-phone-number',
      NV_SCOPES.v0['device-phone-number'],
    ],
  ])('matches NV %s %s with its spec scope', (method, path, version, operation, scope) => {
    expect(catalog.matchOperation(method, path)).toEqual({
      api: 'number-verification',
      version,
      operation,
      requiredScopes: [scope],
      basePath: `/number-verification/${version}`,
      apiPath: path.slice(`/number-verification/${version}`.length),
      // The proxy validates verify bodies itself (NV NumberVerificationRequestBody).
      checkBody: operation === 'verify' ? expect.any(Function) : undefined,
    });
  });

  it('matches configured APIs, path parameters included', () => {
    expect(catalog.matchOperation('POST', '/sim-swap/v1/retrieve-date')?.requiredScopes).toEqual([
      'sim-swap:retrieve-date',
    ]);
    expect(catalog.matchOperation('GET', '/sim-swap/v1/sessions/abc-1')).toMatchObject({
      operation: 'get-session',
      apiPath: '/sessions/abc-1',
    });
  });

  it.each([
    ['/number-verification/v1/verify'],
    ['/number-verification/v2/verify/extra'],
    ['/number-verification/v2/'],
    ['/sim-swap/v1/sessions/'],
    ['/sim-swap/v1/sessions/..'],
  ])('does not match %s (404 NOT_FOUND)', (path) => {
    expect(catalog.matchOperation('POST', path)).toBeUndefined();
    expect(catalog.matchOperation('GET', path)).toBeUndefined();
    expect(thrown(() => catalog.resolveOperation('POST', path))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  it('answers a wrong method with 405 and an Allow header', () => {
    const err = thrown(() => catalog.resolveOperation('GET', '/number-verification/v2/verify'));
    expect(err).toBeInstanceOf(CamaraError);
    expect(err).toMatchObject({
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: 'POST' },
    });
    expect(catalog.matchOperation('GET', '/number-verification/v2/verify')).toBeUndefined();
  });

  it('knows which paths it owns', () => {
    expect(catalog.ownsPath('/number-verification/v2/anything')).toBe(true);
    expect(catalog.ownsPath('/sim-swap/v1/check')).toBe(true);
    // Any version of a known API is ours, so an unknown one gets a CAMARA 404.
    expect(catalog.ownsPath('/number-verification/v22/verify')).toBe(true);
    expect(
      thrown(() => catalog.resolveOperation('POST', '/number-verification/v22/verify')),
    ).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(catalog.ownsPath('/number-verificationx/v2/verify')).toBe(false);
    expect(catalog.ownsPath('/health')).toBe(false);
  });

  it('refuses the same API version twice', () => {
    expect(() => createApiCatalog([{ ...simSwap }, { ...simSwap }])).toThrow(
      '/sim-swap/v1 is configured twice',
    );
  });

  it('validates configured definitions, naming the bad path', () => {
    expect(apiDefinitionsSchema.safeParse([simSwap]).success).toBe(true);
    const bad = apiDefinitionsSchema.safeParse([{ ...simSwap, version: '1' }]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual([0, 'version']);
    const noScope = apiDefinitionsSchema.safeParse([
      {
        ...simSwap,
        operations: [{ operation: 'check', method: 'POST', path: '/check', scopes: [] }],
      },
    ]);
    expect(noScope.error?.issues[0]?.path).toEqual([0, 'operations', 0, 'scopes']);
    expect(isCamaraError(thrown(() => catalog.resolveOperation('GET', '/x')))).toBe(true);
  });

  it('remembers a match per path and method, and still refuses other methods there', () => {
    const fresh = createApiCatalog([simSwap]);
    const first = fresh.resolveOperation('POST', '/number-verification/v2/verify');
    expect(fresh.resolveOperation('POST', '/number-verification/v2/verify')).toBe(first);
    const wrong = thrown(() => fresh.resolveOperation('GET', '/number-verification/v2/verify'));
    expect(wrong).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    expect(fresh.resolveOperation('POST', '/number-verification/v2/verify')).toBe(first);
  });
});
