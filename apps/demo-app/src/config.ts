import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { PrivateKeyInput } from '@switchboard/sdk';
import { parseHandsetFile, type HandsetFile } from './handset-file.js';

// The only module of this app that reads process.env: every setting is parsed and checked in
// one place, at start.

const DEV_SESSION_SECRET = 'demo-app-dev-session-secret-do-not-use-in-production';
const DEV_CLIENT_SECRET = 'demo-only-demo-app-client-secret';
const LOOPBACK_HTTP = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ISSUER: httpUrl.default('http://127.0.0.1:3000').transform((u) => u.replace(/\/+$/, '')),
  CLIENT_ID: z.string().min(1).default('demo-app'),
  CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  PRIVATE_KEY_FILE: z.string().min(1).optional(),
  BACKEND_CLIENT_ID: z.string().min(1).optional(),
  BACKEND_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  OPERATOR_TOKEN_CLIENT_ID: z.string().min(1).optional(),
  OPERATOR_TOKEN_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  HANDSET_FILE: z.string().min(1).optional(),
  REDIRECT_URI: httpUrl.default('http://127.0.0.1:3001/callback'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  PURPOSE: z
    .string()
    .regex(/^dpv:[A-Za-z][A-Za-z0-9]*$/, 'must be one dpv: purpose')
    .default('dpv:FraudPreventionAndDetection'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ALLOW_INSECURE_ISSUER: z.enum(['true', 'false']).optional(),
  TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
});

export interface DemoAppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly issuer: string;
  readonly clientId: string;
  /** Secret: `client_secret_basic`; absent when a private key is configured. */
  readonly clientSecret: string | undefined;
  /** Secret: `private_key_jwt` key (a JWK object or a PKCS#8 PEM). */
  readonly privateKey: PrivateKeyInput | undefined;
  readonly redirectUri: string;
  /** The call centre's backend client (CIBA, ICM: private_key_jwt only); absent: not configured. */
  readonly backend: BackendClientConfig | undefined;
  /** "Verify with your SIM": its backend client and the simulated phone; absent: not configured. */
  readonly sim: SimPathConfig | undefined;
  readonly host: string;
  readonly port: number;
  readonly purpose: string;
  /** Secret: seals the session cookie. */
  readonly sessionSecret: string;
  /** http:// issuer allowed: explicit, or implied for a loopback issuer in development. */
  readonly allowInsecureIssuer: boolean;
  readonly timeoutMs: number;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Development defaults in use; main.ts warns about each. */
  readonly devDefaults: readonly string[];
}

export interface BackendClientConfig {
  readonly clientId: string;
  /** Secret: the backend client's `private_key_jwt` key. */
  readonly privateKey: PrivateKeyInput;
}

export interface SimPathConfig {
  /** The operator-token path's backend client (private_key_jwt, client_credentials). */
  readonly client: BackendClientConfig;
  /** Secret (the Telephony key, the SIMs' secrets): the simulated phone the demo server plays. */
  readonly handset: HandsetFile;
}

/** Keys whose values never reach a log line. */
export const SECRET_KEYS = [
  'CLIENT_SECRET',
  'SESSION_SECRET',
  'PRIVATE_KEY_FILE',
  'BACKEND_PRIVATE_KEY_FILE',
  'OPERATOR_TOKEN_PRIVATE_KEY_FILE',
  'HANDSET_FILE',
];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment; fails naming the bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DemoAppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const c = parsed.data;
  if (c.CLIENT_SECRET && c.PRIVATE_KEY_FILE) {
    throw new ConfigError(
      'invalid configuration: give CLIENT_SECRET or PRIVATE_KEY_FILE, not both',
    );
  }
  const devDefaults = [
    ...(c.SESSION_SECRET ? [] : ['SESSION_SECRET']),
    ...(c.CLIENT_SECRET || c.PRIVATE_KEY_FILE ? [] : ['CLIENT_SECRET']),
  ];
  if (devDefaults.length > 0 && c.NODE_ENV === 'production') {
    throw new ConfigError(`invalid configuration: ${devDefaults[0]} is required in production`);
  }
  return Object.freeze({
    env: c.NODE_ENV,
    issuer: c.ISSUER,
    clientId: c.CLIENT_ID,
    clientSecret: c.PRIVATE_KEY_FILE ? undefined : (c.CLIENT_SECRET ?? DEV_CLIENT_SECRET),
    privateKey: c.PRIVATE_KEY_FILE
      ? readPrivateKey('PRIVATE_KEY_FILE', c.PRIVATE_KEY_FILE)
      : undefined,
    redirectUri: c.REDIRECT_URI,
    backend: backendClient(c.BACKEND_CLIENT_ID, c.BACKEND_PRIVATE_KEY_FILE),
    sim: simPath(c.OPERATOR_TOKEN_CLIENT_ID, c.OPERATOR_TOKEN_PRIVATE_KEY_FILE, c.HANDSET_FILE),
    host: c.HOST,
    port: c.PORT,
    purpose: c.PURPOSE,
    sessionSecret: c.SESSION_SECRET ?? DEV_SESSION_SECRET,
    allowInsecureIssuer: allowInsecure(c.ALLOW_INSECURE_ISSUER, c.ISSUER, c.NODE_ENV),
    timeoutMs: c.TIMEOUT_MS,
    logLevel: c.LOG_LEVEL,
    devDefaults: Object.freeze(devDefaults),
  });
}

function allowInsecure(flag: string | undefined, issuer: string, nodeEnv: string): boolean {
  const insecure = issuer.startsWith('http://');
  if (insecure && nodeEnv === 'production') {
    throw new ConfigError('invalid configuration: ISSUER must be https:// in production');
  }
  if (flag !== undefined) return flag === 'true';
  // The local demo stack runs on http://127.0.0.1: no flag needed there, and only there.
  return LOOPBACK_HTTP.test(issuer);
}

/** The call centre's client: both settings or neither (then the page says it is not set up). */
function backendClient(
  clientId: string | undefined,
  keyFile: string | undefined,
  [idKey, fileKey]: readonly [string, string] = ['BACKEND_CLIENT_ID', 'BACKEND_PRIVATE_KEY_FILE'],
): BackendClientConfig | undefined {
  if (clientId === undefined && keyFile === undefined) return undefined;
  if (clientId === undefined || keyFile === undefined) {
    const [missing, given] = clientId === undefined ? [idKey, fileKey] : [fileKey, idKey];
    throw new ConfigError(
      `invalid configuration: ${missing}: is required with ${given} (a backend client authenticates with private_key_jwt only)`,
    );
  }
  return { clientId, privateKey: readPrivateKey(fileKey, keyFile) };
}

/** The SIM path needs its client and the simulated phone: all three settings or none. */
function simPath(
  clientId: string | undefined,
  keyFile: string | undefined,
  handsetFile: string | undefined,
): SimPathConfig | undefined {
  const keys = ['OPERATOR_TOKEN_CLIENT_ID', 'OPERATOR_TOKEN_PRIVATE_KEY_FILE'] as const;
  const client = backendClient(clientId, keyFile, keys);
  if (!client && handsetFile === undefined) return undefined;
  if (!client)
    throw new ConfigError(`invalid configuration: ${keys[0]}: is required with HANDSET_FILE`);
  if (handsetFile === undefined)
    throw new ConfigError(`invalid configuration: HANDSET_FILE: is required with ${keys[0]}`);
  let handset: HandsetFile;
  try {
    handset = parseHandsetFile(readFileSync(handsetFile, 'utf8'));
  } catch (err) {
    throw new ConfigError(`invalid configuration: HANDSET_FILE: ${(err as Error).message}`);
  }
  return { client, handset };
}

/** A private JWK (JSON) or a PKCS#8 PEM file. */
function readPrivateKey(key: string, file: string): PrivateKeyInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${key}: ${(err as Error).message}`);
  }
  if (text.startsWith('-----BEGIN')) return text;
  try {
    return JSON.parse(text) as PrivateKeyInput;
  } catch {
    throw new ConfigError(`invalid configuration: ${key}: neither a PEM nor a JWK`);
  }
}
