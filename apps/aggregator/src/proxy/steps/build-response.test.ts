import { describe, expect, it } from '@jest/globals';
import type { ProxyContext } from '../proxy-context.js';
import { buildResponse } from './build-response.js';

function answered(correlator: string, upstreamHeaders: Record<string, string>): ProxyContext {
  return {
    request: {
      method: 'GET',
      path: '/number-verification/v2/device-phone-number',
      query: '',
      headers: { 'x-correlator': correlator },
      readBody: async () => Buffer.alloc(0),
    },
    deps: {} as ProxyContext['deps'],
    now: () => 0,
    correlator,
    upstreamResponse: {
      status: 200,
      headers: { 'content-type': 'application/json', ...upstreamHeaders },
      body: Buffer.from('{"devicePhoneNumber":"+34600000001"}'),
    },
  };
}

describe('buildResponse', () => {
  it.each([
    ['answers another correlator', { 'x-correlator': 'operator-own-1' }],
    ['answers an invalid correlator', { 'x-correlator': 'not valid!' }],
    ['answers none', {}],
  ])(
    'Commonalities r4.4: x-correlator is echoed on GET device-phone-number when the operator %s',
    (_name, upstreamHeaders) => {
      const ctx = answered('app-corr-42', upstreamHeaders);
      buildResponse(ctx);
      expect(ctx.response?.status).toBe(200);
      expect(ctx.response?.headers['x-correlator']).toBe('app-corr-42');
    },
  );

  it("Commonalities r4.4: no OUT_OF_RANGE from Number Verification (an operator's becomes INVALID_ARGUMENT)", () => {
    const ctx = answered('c-1', {});
    ctx.operation = nvOperation('number-verification');
    ctx.upstreamResponse = {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"status":400,"code":"OUT_OF_RANGE","message":"phoneNumber too long"}'),
    };
    buildResponse(ctx);
    expect(ctx.response?.status).toBe(400);
    expect(JSON.parse(ctx.response!.body.toString())).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: 'phoneNumber too long',
    });
  });

  it("passes another API's OUT_OF_RANGE unchanged", () => {
    const ctx = answered('c-2', {});
    ctx.operation = nvOperation('sim-swap');
    const body = Buffer.from('{"status":400,"code":"OUT_OF_RANGE","message":"maxAge"}');
    ctx.upstreamResponse = { status: 400, headers: {}, body };
    buildResponse(ctx);
    expect(ctx.response?.body).toBe(body);
  });
});

function nvOperation(api: string): NonNullable<ProxyContext['operation']> {
  return {
    api,
    version: 'v2',
    operation: 'verify',
    requiredScopes: [],
    basePath: `/${api}/v2`,
    apiPath: '/verify',
  };
}
