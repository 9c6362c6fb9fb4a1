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
});
