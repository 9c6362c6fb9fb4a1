import { describe, expect, it } from '@jest/globals';
import { parseRateLimitConfig } from './rate-limit-config.js';
import { addressBucket, createBucketHasher, createRateLimits } from './rate-limits.js';
import type { RateCounterStore } from './rate-limiter.js';

const noStore: RateCounterStore = {
  add: async () => new Map(),
  deleteExpired: async () => undefined,
};

describe('rate limits', () => {
  it('buckets IPv4 as is, IPv4-mapped IPv6 as IPv4 and IPv6 by /64', () => {
    expect(addressBucket('127.10.0.5')).toBe('127.10.0.5');
    expect(addressBucket('::ffff:127.10.0.5')).toBe('127.10.0.5');
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2:bbbb::9')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('not:an:address')).toBeUndefined();
  });

  it('stores a keyed hash instead of the address or client id', () => {
    const hash = createBucketHasher(Buffer.alloc(32, 1));
    const stored = hash('proxy:ip:127.10.0.5');
    expect(stored).toMatch(/^proxy:ip:[A-Za-z0-9_-]{22}$/);
    expect(stored).not.toContain('127.10');
    expect(hash('proxy:ip:127.10.0.5')).toBe(stored);
    expect(createBucketHasher(Buffer.alloc(32, 2))('proxy:ip:127.10.0.5')).not.toBe(stored);
  });

  it('limits each endpoint per address and per client with its own limits', async () => {
    const config = parseRateLimitConfig({
      RATE_LIMIT_TOKEN_PER_IP: '2',
      RATE_LIMIT_TOKEN_PER_CLIENT: '3',
      RATE_LIMIT_PROXY_PER_IP: '0',
    });
    const limits = createRateLimits(config, { store: noStore, clock: () => 0 });
    try {
      const token = (ip: string, clientId: string) =>
        limits.check('token', { ip, clientId }).allowed;
      expect([token('a', 'x'), token('a', 'x'), token('a', 'x')]).toEqual([true, true, false]);
      expect([token('b', 'x'), token('b', 'x')]).toEqual([true, false]);
      expect(limits.check('token', { clientId: 'y' }).allowed).toBe(true);
      for (let i = 0; i < 100; i += 1)
        expect(limits.check('proxy', { ip: 'a' }).allowed).toBe(true);
    } finally {
      await limits.stop();
    }
  });

  it('counts the proxy per address and per client when asked one at a time, as the proxy does', async () => {
    const config = parseRateLimitConfig({
      RATE_LIMIT_PROXY_PER_IP: '2',
      RATE_LIMIT_PROXY_PER_CLIENT: '3',
    });
    const limits = createRateLimits(config, { store: noStore, clock: () => 0 });
    try {
      const byIp = (ip: string) => limits.check('proxy', { ip }).allowed;
      const byClient = (clientId: string) => limits.check('proxy', { clientId }).allowed;
      expect([byIp('10.0.0.1'), byIp('10.0.0.1'), byIp('10.0.0.1')]).toEqual([true, true, false]);
      // One IPv6 /64 is one bucket, also when its addresses are remembered separately.
      expect([byIp('2001:db8::1'), byIp('2001:db8::2'), byIp('2001:db8::3')]).toEqual([
        true,
        true,
        false,
      ]);
      expect([byClient('x'), byClient('x'), byClient('x'), byClient('x')]).toEqual([
        true,
        true,
        true,
        false,
      ]);
      expect(byClient('y')).toBe(true);
      expect(limits.peek('proxy', { ip: '10.0.0.1' }).allowed).toBe(false);
    } finally {
      await limits.stop();
    }
  });

  it('limits interaction visits per device address only, 1,200 a window by default', () => {
    expect(parseRateLimitConfig({}).limits.interaction).toEqual({ perClient: 0, perIp: 1200 });
    expect(parseRateLimitConfig({ RATE_LIMIT_INTERACTION_PER_IP: '5' }).limits.interaction).toEqual(
      { perClient: 0, perIp: 5 },
    );
    expect(() => parseRateLimitConfig({ RATE_LIMIT_INTERACTION_PER_IP: 'x' })).toThrow(
      /RATE_LIMIT_INTERACTION_PER_IP/,
    );
  });

  it('lets everything through when disabled', () => {
    const limits = createRateLimits(
      parseRateLimitConfig({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_TOKEN_PER_IP: '1' }),
      { store: noStore },
    );
    expect(limits.check('token', { ip: 'a' }).allowed).toBe(true);
    expect(limits.check('token', { ip: 'a' }).allowed).toBe(true);
  });

  it('refuses bad settings naming the key', () => {
    expect(() => parseRateLimitConfig({ RATE_LIMIT_PROXY_PER_IP: '-1' })).toThrow(
      /RATE_LIMIT_PROXY_PER_IP/,
    );
    expect(() => parseRateLimitConfig({ RATE_LIMIT_ENABLED: 'yes' })).toThrow(/RATE_LIMIT_ENABLED/);
  });
});
