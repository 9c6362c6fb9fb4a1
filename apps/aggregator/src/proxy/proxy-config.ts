import { z } from 'zod';
import { parseEnv } from '../parse-env.js';
import { DEFAULT_APIS, apiDefinitionsSchema, type ApiDefinition } from './api-catalog.js';
import type { CircuitBreakerOptions } from './circuit-breaker.js';
import type { UpstreamPoolOptions } from './upstream-pool.js';
import type { UsageRecorderOptions } from '../usage/usage-recorder.js';

/**
 * CAMARA NV 2.1 (camaraproject/NumberVerification, code/API_definitions/number-verification.yaml,
 * "The Authentication Request", PR #226): a token with NV scopes serves a single API call. Which
 * APIs spend their tokens: a comma-separated list of API names (default Number Verification),
 * or `true` (every API) / `false` (none), the values of the former global switch.
 */
export const DEFAULT_SINGLE_USE_APIS = 'number-verification';
const API_NAME = /^[a-z][a-z0-9-]*$/;

const singleUseSchema = z
  .string()
  .default(DEFAULT_SINGLE_USE_APIS)
  .transform((text, ctx): SingleUsePolicy => {
    const value = text.trim();
    if (value === 'true') return { all: true, apis: [] };
    if (value === 'false' || value === '') return { all: false, apis: [] };
    const apis = value.split(',').map((name) => name.trim());
    const bad = apis.find((name) => !API_NAME.test(name));
    if (bad !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `must be true, false or a comma-separated list of CAMARA API names (got ${JSON.stringify(bad)})`,
      });
      return z.NEVER;
    }
    return { all: false, apis: [...new Set(apis)] };
  });

/** Which APIs' tokens serve one call each (see `singleUseSchema`). */
export interface SingleUsePolicy {
  readonly all: boolean;
  readonly apis: readonly string[];
}

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
  PROXY_SINGLE_USE_TOKENS: singleUseSchema,
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
  readonly singleUse: SingleUsePolicy;
  readonly maxRequestBytes: number;
  readonly upstream: UpstreamPoolOptions;
  readonly circuit: Pick<CircuitBreakerOptions, 'failureThreshold' | 'coolDownMs'>;
  readonly usage: Pick<UsageRecorderOptions, 'batchSize' | 'flushIntervalMs' | 'maxBuffer'>;
}

/** Parses the proxy keys; the error names the bad key, so a wrong setting is found at once. */
export function parseProxyConfig(env: Readonly<Record<string, string | undefined>>): ProxyConfig {
  const c = parseEnv(proxyEnvSchema, env);
  const served = new Set([...DEFAULT_APIS, ...c.SWITCHBOARD_PROXY_APIS].map((api) => api.name));
  const unknown = c.PROXY_SINGLE_USE_TOKENS.apis.find((name) => !served.has(name));
  if (unknown !== undefined)
    throw new Error(
      `invalid configuration: PROXY_SINGLE_USE_TOKENS: ${unknown} is not an API the proxy serves (built-in or SWITCHBOARD_PROXY_APIS)`,
    );
  return Object.freeze({
    apis: c.SWITCHBOARD_PROXY_APIS,
    singleUse: Object.freeze({
      all: c.PROXY_SINGLE_USE_TOKENS.all,
      apis: Object.freeze(c.PROXY_SINGLE_USE_TOKENS.apis),
    }),
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
