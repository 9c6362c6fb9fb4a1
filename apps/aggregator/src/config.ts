import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from '@switchboard/db';
import { masterKeyId } from '@switchboard/tokens';
import { parseProxyConfig, type ProxyConfig } from './proxy/proxy-config.js';
import {
  parseRateLimitConfig,
  type RateLimitConfig,
} from './infra/rate-limit/rate-limit-config.js';
import { parseTracingConfig, type TracingConfig } from './infra/tracing/tracing-config.js';

// The only module of this app that reads process.env: every setting is parsed and checked in
// one place, at start (docs/configuration.md).

const DEV_MASTER_KEY = 'switchboard-dev-master-key-do-not-use-in-production';
/** How SWITCHBOARD_PREVIOUS_MASTER_KEYS names the built-in development key (real keys are ≥ 32 characters). */
export const DEV_MASTER_KEY_NAME = 'development';

/** What to say when a value is sealed under a master key that is not configured. */
export function masterKeyHint(keyId: string): string | undefined {
  return keyId === masterKeyId(DEV_MASTER_KEY)
    ? `it is the built-in development key; to rotate away from it, start with SWITCHBOARD_PREVIOUS_MASTER_KEYS=${DEV_MASTER_KEY_NAME} and run \`switchboard keys rotate-master\``
    : undefined;
}

const port = z.coerce.number().int().min(0).max(65535);
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .superRefine((v, ctx) => {
      try {
        parseDatabaseUrl(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(3000),
  ADMIN_HOST: z.string().default('127.0.0.1'),
  ADMIN_PORT: port.default(3100),
  SWITCHBOARD_DATA_DIR: z.string().default('.data'),
  SWITCHBOARD_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  SWITCHBOARD_MASTER_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  SWITCHBOARD_PREVIOUS_MASTER_KEYS: z.string().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  SWITCHBOARD_WORKERS: z
    .string()
    .default('1')
    .refine((v) => v === 'auto' || /^([1-9]|[1-5][0-9]|6[0-4])$/.test(v), {
      message: 'must be auto or a whole number from 1 to 64',
    }),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  ISSUER: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .refine((cidrs) => cidrs.every(isCidr), 'must be a comma-separated list of CIDRs'),
  ACCESS_TOKEN_MAX_TTL: z.coerce.number().int().min(1).max(300).default(300),
  OPERATOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  OPERATOR_DISCOVERY_TTL_SECONDS: z.coerce.number().int().min(0).default(300),
  NETWORK_ID_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  DYNAMIC_ROUTING_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  BACKCHANNEL_MIN_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(60).default(1),
  BACKCHANNEL_MAX_EXPIRES_SECONDS: z.coerce.number().int().min(10).max(3_600).default(600),
  OPERATOR_DEV_MODE: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  ROUTING_SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  ROUTING_SYNC_JITTER: z.coerce.number().min(0).max(0.5).default(0.2),
  ROUTING_SYNC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  OPENID4VP_TELEPHONY_TRUST_ANCHORS: z.string().min(1, 'must be a file path').optional(),
  OPENID4VP_POLICY_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .optional(),
  SWITCHBOARD_CONSOLE_DIR: z.string().min(1).optional(),
  SWITCHBOARD_TRACE_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL with {traceId}' })
    .refine((u) => u.includes('{traceId}') || u.includes('%7BtraceId%7D'), 'must contain {traceId}')
    .transform((u) => u.replaceAll('%7BtraceId%7D', '{traceId}'))
    .optional(),
  VERIFICATION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  FLOW_STATE_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
  // Default from NODE_ENV (on in production), resolved in loadConfig.
  ICM_STRICT_PROFILE: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
});

function isCidr(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

export interface AggregatorConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly databaseUrl: string;
  readonly host: string;
  readonly port: number;
  readonly adminHost: string;
  readonly adminPort: number;
  readonly dataDir: string;
  /** Secret: an admin token from the environment (else one is generated into dataDir). */
  readonly adminToken: string | undefined;
  /** Secret: first is current, the rest still decrypt (rotation). */
  readonly masterKeys: readonly string[];
  readonly usingDevMasterKey: boolean;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  /**
   * Processes serving the listeners (SWITCHBOARD_WORKERS; `auto`: one per core). 1 runs no
   * cluster; more needs PostgreSQL (docs/operations.md, "Several worker processes").
   */
  readonly workers: number;
  readonly shutdownGraceMs: number;
  /**
   * After SIGTERM, how long to keep serving while `/ready` says `draining`, so a load balancer
   * polling it stops sending new requests before the listeners close.
   */
  readonly shutdownDrainMs: number;
  /** The OIDC issuer apps see; defaults to the public listener's URL. Shared by all processes. */
  readonly issuer: string | undefined;
  /** Proxies whose X-Forwarded-For is believed for the device address. */
  readonly trustProxy: readonly string[];
  /** Upper bound of an AggregatorAccessToken's lifetime, seconds (NV: ≤ 300). */
  readonly accessTokenMaxTtl: number;
  readonly operatorTimeoutMs: number;
  readonly operatorDiscoveryTtlSeconds: number;
  /** How long a DEEP telco-finder search remembers a number's network (OPG.10 Network Id); 0: never. */
  readonly networkIdCacheSeconds: number;
  /** How long a second-level telco finder's answer (OPG.10 dynamic routing) is remembered; 0: never. */
  readonly dynamicRoutingCacheSeconds: number;
  /**
   * CIBA through the aggregator (ICM r4.2): the shortest polling interval given to apps and
   * kept toward operators (an operator's own longer interval wins), and the longest a request
   * may stay pending (an operator's shorter expiry wins). Seconds.
   */
  readonly backchannel: { readonly minIntervalSeconds: number; readonly maxExpiresSeconds: number };
  /** Operator self-service (`/operators/v1`) and routing sync: how strict, how often. */
  readonly operatorSelfService: OperatorSelfServiceConfig;
  /** Slow clients (slowloris): headers, and the whole request, must arrive within these. */
  readonly http: { readonly headersTimeoutMs: number; readonly requestTimeoutMs: number };
  /**
   * ICM r4.2 "Client Authentication" (CAMARA-Security-Interoperability.md): only
   * `private_key_jwt`, for every client of the aggregator and toward operators. Off, as in
   * development, `client_secret_basic` is accepted too. ICM_STRICT_PROFILE, default on with
   * NODE_ENV=production.
   */
  readonly icmStrictProfile: boolean;
  /** CAMARA proxy: APIs, upstream timeouts, circuit breaker, metering (proxy/proxy-config.ts). */
  readonly proxy: ProxyConfig;
  /** Per-client and per-address limits of the public endpoints (infra/rate-limit/rate-limit-config.ts). */
  readonly rateLimit: RateLimitConfig;
  /** The operator-token path (CAMARA NV "Operator Token Acquisition" guide; docs/operator-token.md). */
  readonly openId4Vp: OpenId4VpConfig;
  /** The web console on the admin listener (docs/console.md). */
  readonly console: ConsoleConfig;
  /** OpenTelemetry tracing from the standard OTEL_* variables (infra/tracing/tracing-config.ts). */
  readonly tracing: TracingConfig;
  /** How many days the steps of each verification are kept (VERIFICATION_RETENTION_DAYS). */
  readonly verificationRetentionDays: number;
  /**
   * Seconds between this process's sweeps of expired flow state (FLOW_STATE_SWEEP_SECONDS);
   * 0: this process does not sweep, another must.
   */
  readonly flowStateSweepSeconds: number;
}

export interface ConsoleConfig {
  /** SWITCHBOARD_CONSOLE_DIR: the built React app; default apps/console/dist of this checkout. */
  readonly dir: string;
  /** SWITCHBOARD_TRACE_URL: a tracing backend's page of one trace, `{traceId}` replaced. */
  readonly traceUrl: string | undefined;
}

/** apps/console/dist beside this app, whether it runs from src/ or a build of it. */
const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

export interface OpenId4VpConfig {
  /**
   * The Telephony trust anchors the Issuer JWT's x5c chain must end at, as PEM
   * (OPENID4VP_TELEPHONY_TRUST_ANCHORS, a file read at start); undefined: the vp_token grant
   * refuses every SD-JWT.
   */
  readonly telephonyTrustAnchorsPem: string | undefined;
  /** `policy_link` of the consent the OS shows (OPENID4VP_POLICY_URL); none when unset. */
  readonly policyUrl: string | undefined;
}

export interface OperatorSelfServiceConfig {
  /**
   * Development only (refused with NODE_ENV=production): operators may claim special-purpose
   * ranges (loopback, private…) and register http:// or loopback endpoints — the sandboxes do.
   */
  readonly devMode: boolean;
  /** Seconds between polls of each operator's GSMA routing table; 0 disables polling. */
  readonly syncIntervalSeconds: number;
  /** Each poll is moved by up to ± this fraction of the interval, so operators are not hit in step. */
  readonly syncJitter: number;
  /** Timeout of each request to an operator's discovery document or routing table. */
  readonly fetchTimeoutMs: number;
}

/** Keys whose values never reach a log line. */
export const SECRET_KEYS = [
  'SWITCHBOARD_ADMIN_TOKEN',
  'SWITCHBOARD_MASTER_KEY',
  'SWITCHBOARD_PREVIOUS_MASTER_KEYS',
];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): AggregatorConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const c = parsed.data;
  if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      'invalid configuration: HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS',
    );
  }
  const usingDevMasterKey = c.SWITCHBOARD_MASTER_KEY === undefined;
  if (usingDevMasterKey && c.NODE_ENV === 'production') {
    throw new ConfigError(
      'invalid configuration: SWITCHBOARD_MASTER_KEY is required with NODE_ENV=production',
    );
  }
  if (c.OPERATOR_DEV_MODE && c.NODE_ENV === 'production') {
    throw new ConfigError(
      'invalid configuration: OPERATOR_DEV_MODE: must not be true with NODE_ENV=production',
    );
  }
  const workers =
    c.SWITCHBOARD_WORKERS === 'auto' ? availableParallelism() : Number(c.SWITCHBOARD_WORKERS);
  if (workers > 1 && parseDatabaseUrl(c.DATABASE_URL, cwd).kind === 'pglite') {
    throw new ConfigError(
      `invalid configuration: SWITCHBOARD_WORKERS: ${c.SWITCHBOARD_WORKERS} (${workers} processes) needs a PostgreSQL DATABASE_URL; embedded PGlite is opened by one process only. Use SWITCHBOARD_WORKERS=1 or DATABASE_URL=postgres://…`,
    );
  }
  const previous = (c.SWITCHBOARD_PREVIOUS_MASTER_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => (k === DEV_MASTER_KEY_NAME ? DEV_MASTER_KEY : k));
  return Object.freeze({
    env: c.NODE_ENV,
    databaseUrl: c.DATABASE_URL,
    host: c.HOST,
    port: c.PORT,
    adminHost: c.ADMIN_HOST,
    adminPort: c.ADMIN_PORT,
    dataDir: path.resolve(cwd, c.SWITCHBOARD_DATA_DIR),
    adminToken: c.SWITCHBOARD_ADMIN_TOKEN,
    masterKeys: Object.freeze([c.SWITCHBOARD_MASTER_KEY ?? DEV_MASTER_KEY, ...previous]),
    usingDevMasterKey,
    logLevel: c.LOG_LEVEL,
    workers,
    shutdownGraceMs: c.SHUTDOWN_GRACE_MS,
    shutdownDrainMs: c.SHUTDOWN_DRAIN_MS,
    issuer: c.ISSUER,
    trustProxy: Object.freeze(c.TRUST_PROXY),
    accessTokenMaxTtl: c.ACCESS_TOKEN_MAX_TTL,
    operatorTimeoutMs: c.OPERATOR_TIMEOUT_MS,
    operatorDiscoveryTtlSeconds: c.OPERATOR_DISCOVERY_TTL_SECONDS,
    networkIdCacheSeconds: c.NETWORK_ID_CACHE_SECONDS,
    dynamicRoutingCacheSeconds: c.DYNAMIC_ROUTING_CACHE_SECONDS,
    backchannel: Object.freeze({
      minIntervalSeconds: c.BACKCHANNEL_MIN_INTERVAL_SECONDS,
      maxExpiresSeconds: c.BACKCHANNEL_MAX_EXPIRES_SECONDS,
    }),
    operatorSelfService: Object.freeze({
      devMode: c.OPERATOR_DEV_MODE,
      syncIntervalSeconds: c.ROUTING_SYNC_INTERVAL_SECONDS,
      syncJitter: c.ROUTING_SYNC_JITTER,
      fetchTimeoutMs: c.ROUTING_SYNC_TIMEOUT_MS,
    }),
    icmStrictProfile:
      c.ICM_STRICT_PROFILE === undefined
        ? c.NODE_ENV === 'production'
        : c.ICM_STRICT_PROFILE === 'true',
    proxy: loadPart(parseProxyConfig, env),
    rateLimit: loadPart(parseRateLimitConfig, env),
    tracing: loadPart(parseTracingConfig, env),
    verificationRetentionDays: c.VERIFICATION_RETENTION_DAYS,
    flowStateSweepSeconds: c.FLOW_STATE_SWEEP_SECONDS,
    openId4Vp: Object.freeze({
      telephonyTrustAnchorsPem: readTrustAnchors(c.OPENID4VP_TELEPHONY_TRUST_ANCHORS, cwd),
      policyUrl: c.OPENID4VP_POLICY_URL,
    }),
    console: Object.freeze({
      dir: c.SWITCHBOARD_CONSOLE_DIR
        ? path.resolve(cwd, c.SWITCHBOARD_CONSOLE_DIR)
        : DEFAULT_CONSOLE_DIR,
      traceUrl: c.SWITCHBOARD_TRACE_URL,
    }),
    http: Object.freeze({
      headersTimeoutMs: c.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: c.HTTP_REQUEST_TIMEOUT_MS,
    }),
  });
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;

/** The PEM file's text; refused at start when unreadable or without a certificate. */
function readTrustAnchors(file: string | undefined, cwd: string): string | undefined {
  if (file === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new ConfigError(
      `invalid configuration: OPENID4VP_TELEPHONY_TRUST_ANCHORS: cannot read ${file}: ${(e as Error).message}`,
    );
  }
  if (!PEM_CERTIFICATE.test(pem))
    throw new ConfigError(
      `invalid configuration: OPENID4VP_TELEPHONY_TRUST_ANCHORS: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  return pem;
}

function loadPart<T>(parse: (env: NodeJS.ProcessEnv) => T, env: NodeJS.ProcessEnv): T {
  try {
    return parse(env);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

/** Development settings in force, each as the warning to log at start. */
export function developmentWarnings(config: AggregatorConfig): string[] {
  return [
    ...(config.operatorSelfService.devMode
      ? [
          'OPERATOR_DEV_MODE is on: operators may claim loopback/private ranges and register http:// endpoints. Never do this in production.',
        ]
      : []),
    ...(!config.icmStrictProfile
      ? [
          'ICM_STRICT_PROFILE is off: clients and operators may authenticate with client_secret_basic (ICM requires private_key_jwt). Never do this in production.',
        ]
      : []),
    ...(config.usingDevMasterKey
      ? [
          'SWITCHBOARD_MASTER_KEY is not set: using the built-in development key. Never do this in production.',
        ]
      : []),
  ];
}
