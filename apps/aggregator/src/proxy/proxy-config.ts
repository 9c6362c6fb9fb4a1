import { z } from 'zod';
import { parseEnv } from '../parse-env.js';
import { apiDefinitionsSchema, type ApiDefinition } from './api-catalog.js';
import type { CircuitBreakerOptions } from './circuit-breaker.js';
import type { UpstreamPoolOptions } from './upstream-pool.js';
import type { UsageRecorderOptions } from '../usage/usage-recorder.js';

const ms = z.coerce.number().int().min(1);
const count = z.coerce.number().int().min(1);

/** Proxy, upstream, circuit and metering settings; config.ts merges these env keys. */
export const proxyEnvSchema = z.object({
  SWITCHBOARD_PROXY_APIS: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of API definitions' });
        return z.NEVER;
      }
    })
    .pipe(apiDefinitionsSchema),
  PROXY_SINGLE_USE_TOKENS: z.enum(['true', 'false']).default('false'),
  PROXY_MAX_REQUEST_BYTES: count.default(65_536),
  UPSTREAM_CONNECT_TIMEOUT_MS: ms.default(2_000),
  UPSTREAM_HEADERS_TIMEOUT_MS: ms.default(5_000),
  UPSTREAM_RESPONSE_TIMEOUT_MS: ms.default(10_000),
  UPSTREAM_MAX_RESPONSE_BYTES: count.default(1_048_576),
  UPSTREAM_CONNECTIONS: count.default(64),
  UPSTREAM_KEEP_ALIVE_MS: ms.default(30_000),
  CIRCUIT_FAILURE_THRESHOLD: count.default(5),
  CIRCUIT_COOL_DOWN_MS: ms.default(10_000),
  USAGE_BATCH_SIZE: count.default(500),
  USAGE_FLUSH_INTERVAL_MS: ms.default(1_000),
  USAGE_MAX_BUFFER: count.default(100_000),
});

export interface ProxyConfig {
  readonly apis: readonly ApiDefinition[];
  readonly singleUse: boolean;
  readonly maxRequestBytes: number;
  readonly upstream: UpstreamPoolOptions;
  readonly circuit: Pick<CircuitBreakerOptions, 'failureThreshold' | 'coolDownMs'>;
  readonly usage: Pick<UsageRecorderOptions, 'batchSize' | 'flushIntervalMs' | 'maxBuffer'>;
}

/** Parses the proxy keys; the error names the bad key, so a wrong setting is found at once. */
export function parseProxyConfig(env: Readonly<Record<string, string | undefined>>): ProxyConfig {
  const c = parseEnv(proxyEnvSchema, env);
  return Object.freeze({
    apis: c.SWITCHBOARD_PROXY_APIS,
    singleUse: c.PROXY_SINGLE_USE_TOKENS === 'true',
    maxRequestBytes: c.PROXY_MAX_REQUEST_BYTES,
    upstream: {
      connectTimeoutMs: c.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: c.UPSTREAM_HEADERS_TIMEOUT_MS,
      responseTimeoutMs: c.UPSTREAM_RESPONSE_TIMEOUT_MS,
      maxResponseBytes: c.UPSTREAM_MAX_RESPONSE_BYTES,
      connections: c.UPSTREAM_CONNECTIONS,
      keepAliveTimeoutMs: c.UPSTREAM_KEEP_ALIVE_MS,
    },
    circuit: { failureThreshold: c.CIRCUIT_FAILURE_THRESHOLD, coolDownMs: c.CIRCUIT_COOL_DOWN_MS },
    usage: {
      batchSize: c.USAGE_BATCH_SIZE,
      flushIntervalMs: c.USAGE_FLUSH_INTERVAL_MS,
      maxBuffer: c.USAGE_MAX_BUFFER,
    },
  });
}
