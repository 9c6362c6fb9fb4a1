import { describe, expect, it } from '@jest/globals';
import type { Socket } from 'node:net';
import { createDeviceIpResolver, requestDeviceIp, type DeviceRequest } from './device-ip.js';

describe('device IP', () => {
  const resolve = createDeviceIpResolver(['10.0.0.0/8', '::1/128']);

  it('uses the socket address of an untrusted peer, ignoring X-Forwarded-For', () => {
    expect(resolve('203.0.113.5', '127.10.0.5')).toBe('203.0.113.5');
    expect(resolve('::ffff:127.10.0.5')).toBe('127.10.0.5');
  });

  it('reads X-Forwarded-For right to left through trusted proxies', () => {
    expect(resolve('10.1.1.1', '198.51.100.7, 127.20.0.9, 10.2.2.2')).toBe('127.20.0.9');
    expect(resolve('::1', '127.10.0.5')).toBe('127.10.0.5');
    expect(resolve('10.1.1.1', 'garbage')).toBeUndefined();
    expect(resolve('10.1.1.1')).toBe('10.1.1.1');
  });

  it("names a request's device from its socket and X-Forwarded-For, a repeated header as one line", () => {
    const req = (remoteAddress: string, forwarded?: string | string[]): DeviceRequest => ({
      socket: { remoteAddress } as Socket,
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    });
    expect(requestDeviceIp(resolve, req('203.0.113.5', '127.10.0.5'))).toBe('203.0.113.5');
    expect(requestDeviceIp(resolve, req('10.1.1.1', '198.51.100.7, 127.20.0.9'))).toBe(
      '127.20.0.9',
    );
    expect(requestDeviceIp(resolve, req('10.1.1.1', ['198.51.100.7', '127.20.0.9']))).toBe(
      '127.20.0.9',
    );
    expect(requestDeviceIp(resolve, req('10.1.1.1'))).toBe('10.1.1.1');
  });
});
