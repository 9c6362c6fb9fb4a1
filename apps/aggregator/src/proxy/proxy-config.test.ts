import { describe, expect, it } from '@jest/globals';
import { parseProxyConfig } from './proxy-config.js';

describe('proxy config', () => {
  it('has documented defaults', () => {
    const c = parseProxyConfig({});
    expect(c).toEqual({
      apis: [],
      singleUse: { all: false, apis: ['number-verification'] },
      maxRequestBytes: 65_536,
      upstream: {
        connectTimeoutMs: 2_000,
        headersTimeoutMs: 5_000,
        responseTimeoutMs: 10_000,
        maxResponseBytes: 1_048_576,
        connections: 64,
        keepAliveTimeoutMs: 30_000,
      },
      circuit: { failureThreshold: 5, coolDownMs: 10_000 },
      usage: { batchSize: 500, flushIntervalMs: 1_000, maxBuffer: 100_000 },
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads extra APIs as JSON and overrides', () => {
    const apis = [
      {
        name: 'sim-swap',
        version: 'v1',
        operations: [
          { operation: 'check', method: 'POST', path: '/check', scopes: ['sim-swap:check'] },
        ],
      },
    ];
    const c = parseProxyConfig({
      SWITCHBOARD_PROXY_APIS: JSON.stringify(apis),
      PROXY_SINGLE_USE_TOKENS: 'true',
      UPSTREAM_CONNECT_TIMEOUT_MS: '250',
      CIRCUIT_FAILURE_THRESHOLD: '2',
    });
    expect(c.apis).toEqual(apis);
    expect(c.singleUse).toEqual({ all: true, apis: [] });
    expect(c.upstream.connectTimeoutMs).toBe(250);
    expect(c.circuit.failureThreshold).toBe(2);
  });

  it.each([
    [{ SWITCHBOARD_PROXY_APIS: '{not json' }, 'SWITCHBOARD_PROXY_APIS: must be a JSON array'],
    [
      { SWITCHBOARD_PROXY_APIS: '[{"name":"Bad Name","version":"v1","operations":[]}]' },
      'SWITCHBOARD_PROXY_APIS.0.name',
    ],
    [{ UPSTREAM_HEADERS_TIMEOUT_MS: '0' }, 'UPSTREAM_HEADERS_TIMEOUT_MS'],
    [{ PROXY_SINGLE_USE_TOKENS: 'yes' }, 'PROXY_SINGLE_USE_TOKENS'],
  ])('fails naming the bad key (%j)', (env, message) => {
    expect(() => parseProxyConfig(env)).toThrow(message);
  });
});

describe('NV tokens are single use (NV 2.1): PROXY_SINGLE_USE_TOKENS names the single-use APIs', () => {
  it('is on for Number Verification by default', () => {
    expect(parseProxyConfig({}).singleUse).toEqual({ all: false, apis: ['number-verification'] });
  });

  it('reads a comma-separated list of API names', () => {
    expect(
      parseProxyConfig({ PROXY_SINGLE_USE_TOKENS: ' number-verification , sim-swap ' }).singleUse,
    ).toEqual({ all: false, apis: ['number-verification', 'sim-swap'] });
    const apis = JSON.stringify([
      {
        name: 'device-status',
        version: 'v1',
        operations: [{ operation: 'get', method: 'POST', path: '/get', scopes: ['d:g'] }],
      },
    ]);
    expect(
      parseProxyConfig({ SWITCHBOARD_PROXY_APIS: apis, PROXY_SINGLE_USE_TOKENS: 'device-status' })
        .singleUse,
    ).toEqual({ all: false, apis: ['device-status'] });
  });

  it.each([
    ['true', { all: true, apis: [] }],
    ['false', { all: false, apis: [] }],
    ['', { all: false, apis: [] }],
  ])('keeps %j working (true: every API, false or empty: none)', (value, expected) => {
    expect(parseProxyConfig({ PROXY_SINGLE_USE_TOKENS: value }).singleUse).toEqual(expected);
  });

  it.each([
    ['yes', 'PROXY_SINGLE_USE_TOKENS: yes is not an API the proxy serves'],
    ['number-verification,sim-swop', 'PROXY_SINGLE_USE_TOKENS: sim-swop is not an API'],
    ['Number-Verification', 'PROXY_SINGLE_USE_TOKENS: must be true, false or'],
    ['number-verification,,kyc-match', 'PROXY_SINGLE_USE_TOKENS: must be true, false or'],
  ])('refuses %j naming the key', (value, message) => {
    expect(() => parseProxyConfig({ PROXY_SINGLE_USE_TOKENS: value })).toThrow(message);
  });
});
