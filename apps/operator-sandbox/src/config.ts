import { readFileSync } from 'node:fs';
import { DPV_PURPOSE_PATTERN, PHONE_NUMBER_PATTERN, SCOPE_STYLES } from '@switchboard/camara';
import { z } from 'zod';
import { kycMatchConfig } from './kyc-match/kyc-records.js';
import {
  deviceLocationsSchema,
  locationVerificationSchema,
} from './location-verification/location-config.js';
import {
  operatorTokenConfig,
  operatorTokenConfigProblems,
} from './operator-token/operator-token-config.js';
import { simSwapConfig, simSwapConfigProblems } from './simswap/sim-swap-config.js';

/**
 * The sandbox's one config module: the JSON file schema (config/sandbox.json), the CLI
 * flags and the environment. The only place that reads `process.env` / `process.argv`.
 */

const e164 = z.string().regex(PHONE_NUMBER_PATTERN, "must be E.164 with '+'");
const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });
const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'must be an IPv4 or IPv6 CIDR range' });

const subscriberRule = z.union(
  [
    z.strictObject({ address: ipAddress, msisdn: e164 }),
    z.strictObject({ cidr, msisdn: e164 }),
    z.strictObject({
      cidr: z.cidrv4(),
      msisdnPrefix: z.string().regex(/^\+[1-9][0-9]*$/, "must be '+' and digits"),
    }),
  ],
  { error: 'must be {address, msisdn}, {cidr, msisdn} or {cidr (IPv4), msisdnPrefix}' },
);

export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const GRANT_TYPES = [
  'authorization_code',
  'client_credentials',
  CIBA_GRANT,
  JWT_BEARER_GRANT,
] as const;

const jwk = z.looseObject({ kty: z.string(), kid: z.string().optional() });

/** What the instance publishes at GSMA OPG.10 `GET /telco-routing/v1/routing`. */
const routing = z.strictObject({
  ipv4: z.array(z.cidrv4()).default([]),
  ipv6: z.array(z.cidrv6()).default([]),
  msisdnPrefix: z
    .array(z.string().regex(/^\+[1-9][0-9]{0,14}$/, "must be '+' and digits"))
    .default([]),
  network: z
    .array(z.string().regex(/^[0-9]{5,6}$/, 'must be an MCC-MNC such as 21407'))
    .default([]),
});

/**
 * GSMA OPG.10 "Network Id API": numbers of this instance's prefixes that were ported to
 * another network. The instance answers their network; its own numbers get `routing.network[0]`.
 */
const portedNumber = z.strictObject({
  phoneNumber: e164,
  networkId: z.string().regex(/^[0-9]{5,6}$/, 'must be an MCC-MNC such as 21407'),
});

const client = z
  .strictObject({
    clientId: z.string().min(1),
    clientName: z.string().min(1),
    redirectUris: z.array(z.url({ protocol: /^https?$/ })).min(1),
    tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'private_key_jwt']),
    clientSecret: z.string().min(16).optional(),
    jwks: z.strictObject({ keys: z.array(jwk).min(1) }).optional(),
    grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).default(['authorization_code']),
    // CAMARA ICM "Client-Initiated Backchannel Authentication Flow": poll mode only.
    backchannelTokenDeliveryMode: z.literal('poll').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.tokenEndpointAuthMethod === 'client_secret_basic' && !c.clientSecret) {
      ctx.addIssue({
        code: 'custom',
        path: ['clientSecret'],
        message: 'is required for client_secret_basic',
      });
    }
    // oidc-provider ≥ 9.7 refuses to fetch loopback jwks_uri, so keys are inline.
    if (c.tokenEndpointAuthMethod === 'private_key_jwt' && !c.jwks) {
      ctx.addIssue({ code: 'custom', path: ['jwks'], message: 'is required for private_key_jwt' });
    }
    // ICM "JWT Bearer Flow": the assertion is verified with the client's keys.
    if (c.grantTypes.includes(JWT_BEARER_GRANT) && !c.jwks) {
      ctx.addIssue({
        code: 'custom',
        path: ['jwks'],
        message: `is required for ${JWT_BEARER_GRANT}`,
      });
    }
    const ciba = c.grantTypes.includes(CIBA_GRANT);
    if (ciba !== (c.backchannelTokenDeliveryMode !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['backchannelTokenDeliveryMode'],
        message: ciba
          ? `is required ("poll") for ${CIBA_GRANT}`
          : `is only allowed with the grant type ${CIBA_GRANT}`,
      });
    }
  });

/**
 * CIBA poll timing (CAMARA ICM "Client-Initiated Backchannel Authentication Flow"): the
 * `interval` a client must wait between polls, and how long a request waits for the
 * subscriber's decision before it ends with `expired_token`.
 */
const backchannel = z
  .strictObject({
    intervalSeconds: z.number().int().min(1).max(60),
    requestTtlSeconds: z.number().int().min(1).max(600),
  })
  .refine((b) => b.requestTtlSeconds >= b.intervalSeconds, {
    path: ['requestTtlSeconds'],
    message: 'must be at least intervalSeconds',
  });

const instance = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
  name: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535),
  scopeStyle: z.enum(SCOPE_STYLES),
  // NV tokens live at most 300 s: a short-lived token limits what a leaked one is worth, and
  // the aggregator caps its own tokens the same (ACCESS_TOKEN_MAX_TTL, docs/flow.md step 19).
  accessTokenTtlSeconds: z.number().int().min(1).max(300).default(300),
  singleUseAccessTokens: z.boolean().default(true),
  backchannel: backchannel.default({ intervalSeconds: 1, requestTtlSeconds: 120 }),
  purposes: z
    .record(
      z.string().regex(DPV_PURPOSE_PATTERN, 'must be a dpv: purpose'),
      z.enum(['consent', 'legitimate-interest', 'contract']),
    )
    .refine((p) => Object.keys(p).length > 0, 'needs at least one purpose'),
  subscribers: z.array(subscriberRule),
  headerEnrichment: z
    .strictObject({
      header: z.string().regex(/^[A-Za-z0-9-]+$/),
      trustedProxies: z.array(z.union([ipAddress, cidr])),
    })
    .optional(),
  clients: z.array(client).min(1),
  routing: routing.optional(),
  portedNumbers: z.array(portedNumber).default([]),
  kycMatch: kycMatchConfig.optional(),
  deviceLocations: deviceLocationsSchema.default({}),
  locationVerification: locationVerificationSchema,
  simSwap: simSwapConfig.optional(),
  /** The TS.43-style entitlement service and `operatortoken:` subjects (README "Operator tokens"). */
  operatorToken: operatorTokenConfig.optional(),
});

const file = z.strictObject({
  $comment: z.string().optional(),
  dataDir: z.string().min(1).nullable().default('.data/sandbox'),
  instances: z.array(instance).min(1),
});

export type SandboxInstanceConfig = Readonly<z.output<typeof instance>>;
export type SandboxClientConfig = Readonly<z.output<typeof client>>;
export type SubscriberRule = Readonly<z.output<typeof subscriberRule>>;
export type RoutingConfig = Readonly<z.output<typeof routing>>;
export type PortedNumber = Readonly<z.output<typeof portedNumber>>;
export type LawfulBasis = z.output<typeof instance>['purposes'][string];
export interface SandboxConfig {
  /** Where consents and subscriber state persist (`<dataDir>/<instanceId>/`); null keeps them in memory. */
  readonly dataDir: string | null;
  readonly instances: ReadonlyArray<SandboxInstanceConfig>;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates a sandbox config file; errors name the file and the bad key. */
export function loadSandboxConfig(path: string): SandboxConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read sandbox config ${path}: ${(err as Error).message}`);
  }
  return parseSandboxConfig(raw, path);
}

export function parseSandboxConfig(raw: unknown, source = 'sandbox config'): SandboxConfig {
  const result = file.safeParse(raw);
  if (!result.success) {
    const details = result.error.issues
      .map((i) => `${formatPath(i.path)}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`invalid ${source}: ${details}`);
  }
  const ids = result.data.instances.map((i) => i.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new ConfigError(`invalid ${source}: instances: duplicate id ${duplicate}`);
  for (const [index, i] of result.data.instances.entries()) {
    const problem =
      (i.simSwap && simSwapConfigProblems(i.subscribers, i.simSwap)[0]) ||
      (i.operatorToken && operatorTokenConfigProblems(i.subscribers, i.operatorToken)[0]);
    if (problem) throw new ConfigError(`invalid ${source}: instances[${index}].${problem}`);
  }
  return deepFreeze({ dataDir: result.data.dataDir, instances: result.data.instances });
}

/** Validates one instance (e.g. a test's variation of a loaded one). */
export function parseInstanceConfig(raw: unknown): SandboxInstanceConfig {
  return parseSandboxConfig({ dataDir: null, instances: [raw] }).instances[0]!;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || '(root)'
  );
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// ---- Command line and environment (npm run sandbox) ----

/** What `npm run sandbox` runs: the config file plus flag/env overrides. */
export interface RuntimeOptions {
  readonly configPath: string;
  readonly config: SandboxConfig;
  readonly logLevel: string;
  readonly help: boolean;
}

export const DEFAULT_CONFIG_PATH = 'config/sandbox.json';
const LOG_LEVELS = new Set(['error', 'warn', 'info', 'debug']);

export const USAGE = `Usage: npm run sandbox -- [options]
  --config <path>        sandbox config file (env SANDBOX_CONFIG; default ${DEFAULT_CONFIG_PATH})
  --port-<x> <port>      port of instance "sandbox-<x>", e.g. --port-a 4101 (env SANDBOX_PORT_<X>)
  --data-dir <dir|none>  where consents persist; "none" keeps them in memory (env SANDBOX_DATA_DIR)
  --log-level <level>    error | warn | info | debug (env LOG_LEVEL; default info)
  --help                 this text`;

type Flags = Map<string, string>;

/** Pure: parses argv (without node and script) and env into runtime options. */
export function parseRuntimeOptions(
  argv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>,
): RuntimeOptions {
  const flags = parseFlags(argv);
  const help = flags.has('help');
  const configPath = flags.get('config') ?? env.SANDBOX_CONFIG ?? DEFAULT_CONFIG_PATH;
  const logLevel = flags.get('log-level') ?? env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.has(logLevel))
    throw new ConfigError(`--log-level / LOG_LEVEL: unknown level ${logLevel}`);
  if (help) return { configPath, config: { dataDir: null, instances: [] }, logLevel, help };
  const loaded = loadSandboxConfig(configPath);
  const dataDirFlag = flags.get('data-dir') ?? env.SANDBOX_DATA_DIR;
  const dataDir =
    dataDirFlag === undefined ? loaded.dataDir : dataDirFlag === 'none' ? null : dataDirFlag;
  const instances = loaded.instances.map((instance) => {
    const suffix = instance.id.replace(/^sandbox-/, '');
    const port =
      flags.get(`port-${suffix}`) ?? env[`SANDBOX_PORT_${suffix.toUpperCase().replace(/-/g, '_')}`];
    return port === undefined
      ? instance
      : { ...instance, port: parsePort(port, `--port-${suffix}`) };
  });
  rejectUnknownPorts(flags, loaded);
  return deepFreeze({ configPath, config: { dataDir, instances }, logLevel, help });
}

/** The process's own options; the one reader of process.argv and process.env. */
export function loadRuntimeOptions(): RuntimeOptions {
  if (process.env.NODE_ENV === 'production') {
    throw new ConfigError(
      'NODE_ENV=production: the operator sandbox is a demo/test double with public demo secrets; refusing to start',
    );
  }
  return parseRuntimeOptions(process.argv.slice(2), process.env);
}

function parseFlags(argv: ReadonlyArray<string>): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new ConfigError(`unexpected argument ${arg}\n${USAGE}`);
    const name = match[1]!;
    if (name === 'help') {
      flags.set(name, 'true');
      continue;
    }
    if (!/^(config|data-dir|log-level|port-[a-z0-9-]+)$/.test(name))
      throw new ConfigError(`unknown option --${name}\n${USAGE}`);
    const value = match[2] ?? argv[(i += 1)];
    if (value === undefined) throw new ConfigError(`option --${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new ConfigError(`${name}: not a port number: ${value}`);
  return port;
}

function rejectUnknownPorts(flags: Flags, config: SandboxConfig): void {
  for (const name of flags.keys()) {
    if (!name.startsWith('port-')) continue;
    const id = `sandbox-${name.slice('port-'.length)}`;
    if (!config.instances.some((i) => i.id === id))
      throw new ConfigError(`--${name}: no instance ${id} in the config`);
  }
}
