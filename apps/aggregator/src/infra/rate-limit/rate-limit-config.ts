import { z } from 'zod';
import { parseEnv } from '../../parse-env.js';

export const RATE_LIMITED_ENDPOINTS = [
  'authorize',
  'interaction',
  'token',
  'finder',
  'openid4vp',
  'proxy',
] as const;
export type RateLimitedEndpoint = (typeof RATE_LIMITED_ENDPOINTS)[number];

export interface EndpointLimits {
  /** Requests per window per client id; 0 = unlimited. */
  readonly perClient: number;
  /** Requests per window per source address (IPv6: per /64); 0 = unlimited. */
  readonly perIp: number;
}

export interface RateLimitConfig {
  readonly enabled: boolean;
  readonly windowMs: number;
  /** How often local counts are reconciled with the shared PostgreSQL counters. */
  readonly syncMs: number;
  readonly limits: Readonly<Record<RateLimitedEndpoint, EndpointLimits>>;
}

const limit = z.coerce.number().int().min(0);

/**
 * Defaults per 60 s window, high enough for the demo, the tests and load tests, yet a
 * ceiling against floods. Per-IP limits are generous because mobile devices reach us
 * through carrier-grade NAT: one public address is many users.
 */
export const rateLimitEnvSchema = z.object({
  RATE_LIMIT_ENABLED: z.enum(['true', 'false']).default('true'),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  RATE_LIMIT_AUTHORIZE_PER_CLIENT: limit.default(60_000),
  RATE_LIMIT_AUTHORIZE_PER_IP: limit.default(1_200),
  // A sign-in visits its interaction once, after one /auth: the same ceiling per address.
  RATE_LIMIT_INTERACTION_PER_IP: limit.default(1_200),
  RATE_LIMIT_TOKEN_PER_CLIENT: limit.default(60_000),
  RATE_LIMIT_TOKEN_PER_IP: limit.default(6_000),
  RATE_LIMIT_FINDER_PER_CLIENT: limit.default(60_000),
  RATE_LIMIT_FINDER_PER_IP: limit.default(6_000),
  RATE_LIMIT_OPENID4VP_PER_CLIENT: limit.default(60_000),
  RATE_LIMIT_OPENID4VP_PER_IP: limit.default(6_000),
  RATE_LIMIT_PROXY_PER_CLIENT: limit.default(600_000),
  RATE_LIMIT_PROXY_PER_IP: limit.default(60_000),
});

/** Parses the rate-limit keys; the error names the bad key, so a wrong setting is found at once. */
export function parseRateLimitConfig(
  env: Readonly<Record<string, string | undefined>>,
): RateLimitConfig {
  const c = parseEnv(rateLimitEnvSchema, env);
  return Object.freeze({
    enabled: c.RATE_LIMIT_ENABLED === 'true',
    windowMs: c.RATE_LIMIT_WINDOW_SECONDS * 1000,
    syncMs: c.RATE_LIMIT_SYNC_MS,
    limits: Object.freeze({
      authorize: {
        perClient: c.RATE_LIMIT_AUTHORIZE_PER_CLIENT,
        perIp: c.RATE_LIMIT_AUTHORIZE_PER_IP,
      },
      // An interaction's client is known only once it is loaded, the work this limit spares.
      interaction: { perClient: 0, perIp: c.RATE_LIMIT_INTERACTION_PER_IP },
      token: { perClient: c.RATE_LIMIT_TOKEN_PER_CLIENT, perIp: c.RATE_LIMIT_TOKEN_PER_IP },
      finder: { perClient: c.RATE_LIMIT_FINDER_PER_CLIENT, perIp: c.RATE_LIMIT_FINDER_PER_IP },
      openid4vp: {
        perClient: c.RATE_LIMIT_OPENID4VP_PER_CLIENT,
        perIp: c.RATE_LIMIT_OPENID4VP_PER_IP,
      },
      proxy: { perClient: c.RATE_LIMIT_PROXY_PER_CLIENT, perIp: c.RATE_LIMIT_PROXY_PER_IP },
    }),
  });
}
