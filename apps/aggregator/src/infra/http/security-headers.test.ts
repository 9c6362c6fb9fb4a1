import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecurityHeaders, HSTS, SECURITY_HEADERS } from './security-headers.js';

function run(
  req: { encrypted?: boolean; peer?: string; proto?: string },
  trusted = (a: string | undefined) => a === '10.0.0.1',
) {
  const headers: Record<string, string> = {};
  const request = {
    socket: { encrypted: req.encrypted, remoteAddress: req.peer ?? '192.0.2.7' },
    headers: req.proto ? { 'x-forwarded-proto': req.proto } : {},
  } as unknown as IncomingMessage;
  const response = {
    setHeader: (n: string, v: string) => (headers[n] = v),
  } as unknown as ServerResponse;
  let called = false;
  createSecurityHeaders(trusted)(request, response, () => (called = true));
  expect(called).toBe(true);
  return headers;
}

describe('security headers', () => {
  it('forbid framing, sniffing, referrers, caching and any script or style not our own', () => {
    const h = run({});
    expect(h).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    });
    expect(h['content-security-policy']).toMatch(/default-src 'none'/);
    expect(h['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(h['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(Object.keys(SECURITY_HEADERS)).toHaveLength(6);
  });

  it('send HSTS only over TLS: direct, or as a trusted proxy reports it', () => {
    expect(run({})['strict-transport-security']).toBeUndefined();
    expect(run({ encrypted: true })['strict-transport-security']).toBe(HSTS);
    expect(run({ peer: '10.0.0.1', proto: 'https' })['strict-transport-security']).toBe(HSTS);
    expect(run({ peer: '10.0.0.1', proto: 'https, http' })['strict-transport-security']).toBe(
      undefined,
    );
    expect(run({ peer: '192.0.2.7', proto: 'https' })['strict-transport-security']).toBe(undefined);
  });
});
