import { hkdfSync } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '@switchboard/telco-finder';
import type { RateLimitConfig } from './rate-limit-config.js';
import { createRateLimitStore } from './rate-limit-store.js';
import { createBucketHasher, createRateLimits, type RateLimits } from './rate-limits.js';

/**
 * The rate limits every process shares through PostgreSQL (ADR 0001), keyed by an HMAC
 * under a key derived from the deployment's secret, so no device address is stored.
 */
export function createSharedRateLimits(
  config: RateLimitConfig,
  knex: Knex,
  deploymentSecret: Buffer,
  logger: Logger,
): RateLimits {
  const secret = Buffer.from(
    hkdfSync('sha256', deploymentSecret, '', 'switchboard/rate-limit', 32),
  );
  return createRateLimits(config, {
    store: createRateLimitStore(knex, createBucketHasher(secret)),
    onSyncError: (err) =>
      logger.warn(
        'rate-limit counters not shared: limiting per process until the database answers',
        { error: String(err) },
      ),
    onSyncRecovered: () => logger.info('rate-limit counters shared again'),
  });
}
