import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configErrorOf, minimalInstance } from '../test-support/index.js';
import { loadSandboxConfig, parseRuntimeOptions, parseSandboxConfig } from './config.js';

const REPO_CONFIG = fileURLToPath(new URL('../../../config/sandbox.json', import.meta.url));

const minimal = () => ({
  dataDir: null,
  instances: [minimalInstance({ subscribers: [{ cidr: '127.40.0.0/16', msisdnPrefix: '+3460' }] })],
});

describe('sandbox config', () => {
  it('accepts the repository config with its documented defaults', () => {
    const config = loadSandboxConfig(REPO_CONFIG);
    expect(config.instances.map((i) => [i.id, i.port, i.scopeStyle])).toEqual([
      ['sandbox-a', 4001, 'camara'],
      ['sandbox-b', 4002, 'dpv-hash'],
    ]);
    expect(config.instances[1]!.purposes['dpv:FraudPreventionAndDetection']).toBe('consent');
    expect(Object.isFrozen(config.instances[0]!.clients[0])).toBe(true);
  });

  it('fills defaults: loopback host, 300 s single-use tokens, authorization_code only', () => {
    const instance = parseSandboxConfig(minimal()).instances[0]!;
    expect(instance).toMatchObject({
      host: '127.0.0.1',
      accessTokenTtlSeconds: 300,
      singleUseAccessTokens: true,
    });
    expect(instance.clients[0]!.grantTypes).toEqual(['authorization_code']);
  });

  it.each([
    [
      'instances[0].accessTokenTtlSeconds',
      (c: ReturnType<typeof minimal>) =>
        Object.assign(c.instances[0]!, { accessTokenTtlSeconds: 3600 }),
    ],
    [
      'instances[0].scopeStyle',
      (c: ReturnType<typeof minimal>) => Object.assign(c.instances[0]!, { scopeStyle: 'other' }),
    ],
    [
      'instances[0].clients[0].clientSecret',
      (c: ReturnType<typeof minimal>) =>
        Object.assign(c.instances[0]!.clients[0]!, { clientSecret: undefined }),
    ],
    [
      'instances[0].subscribers[0]',
      (c: ReturnType<typeof minimal>) =>
        (c.instances[0]!.subscribers[0] = { cidr: 'nope', msisdnPrefix: '+1' }),
    ],
    [
      'instances[0].purposes',
      (c: ReturnType<typeof minimal>) => (c.instances[0]!.purposes = { Fraud: 'consent' } as never),
    ],
  ])('names the bad key %s', (key, mutate) => {
    const config = minimal();
    mutate(config);
    expect(configErrorOf(() => parseSandboxConfig(config))).toContain(key);
  });

  it('requires inline JWKS for private_key_jwt and unique instance ids', () => {
    const pkjwt = minimal();
    Object.assign(pkjwt.instances[0]!.clients[0]!, {
      tokenEndpointAuthMethod: 'private_key_jwt',
      clientSecret: undefined,
    });
    expect(configErrorOf(() => parseSandboxConfig(pkjwt))).toContain(
      'instances[0].clients[0].jwks',
    );
    const twice = minimal();
    twice.instances.push(twice.instances[0]!);
    expect(configErrorOf(() => parseSandboxConfig(twice))).toContain('duplicate id sandbox-x');
  });

  it('defaults the CIBA timing (interval 1 s, requests live 120 s) and validates it', () => {
    expect(parseSandboxConfig(minimal()).instances[0]!.backchannel).toEqual({
      intervalSeconds: 1,
      requestTtlSeconds: 120,
    });
    const tooShort = minimal();
    Object.assign(tooShort.instances[0]!, {
      backchannel: { intervalSeconds: 30, requestTtlSeconds: 5 },
    });
    expect(configErrorOf(() => parseSandboxConfig(tooShort))).toContain(
      'instances[0].backchannel.requestTtlSeconds: must be at least intervalSeconds',
    );
    const zero = minimal();
    Object.assign(zero.instances[0]!, {
      backchannel: { intervalSeconds: 0, requestTtlSeconds: 5 },
    });
    expect(configErrorOf(() => parseSandboxConfig(zero))).toContain(
      'instances[0].backchannel.intervalSeconds',
    );
  });

  it('reads operator-token data: the demo SIMs, a 120 s temp_token lifetime by default', () => {
    const config = loadSandboxConfig(REPO_CONFIG);
    expect(config.instances.map((i) => i.operatorToken)).toEqual([
      {
        carrierId: 90001,
        tempTokenTtlSeconds: 120,
        sims: [
          { msisdn: '+346001000005', secret: 'sim-secret-a-5' },
          { msisdn: '+346001000006', secret: 'sim-secret-a-6' },
        ],
      },
      {
        carrierId: 90002,
        tempTokenTtlSeconds: 120,
        sims: [{ msisdn: '+491700000005', secret: 'sim-secret-b-5' }],
      },
    ]);
    const defaults = minimal();
    Object.assign(defaults.instances[0]!, { operatorToken: { carrierId: 7, sims: [] } });
    expect(parseSandboxConfig(defaults).instances[0]!.operatorToken?.tempTokenTtlSeconds).toBe(120);
  });

  it.each([
    [{ carrierId: 0, sims: [] }, 'instances[0].operatorToken.carrierId'],
    [
      { carrierId: 7, tempTokenTtlSeconds: 0, sims: [] },
      'instances[0].operatorToken.tempTokenTtlSeconds',
    ],
    [{ carrierId: 7, sims: [{ msisdn: '+346001000005', secret: 'short' }] }, 'sims[0].secret'],
    [
      { carrierId: 7, sims: [{ msisdn: '+491700000005', secret: 'long-enough' }] },
      'instances[0].operatorToken.sims[0].msisdn: +491700000005 is not a subscriber of this instance',
    ],
    [
      {
        carrierId: 7,
        sims: [
          { msisdn: '+346001000005', secret: 'long-enough' },
          { msisdn: '+346001000005', secret: 'long-enough' },
        ],
      },
      'instances[0].operatorToken.sims[1].msisdn: +346001000005 is listed twice',
    ],
  ])('refuses operatorToken %j naming %s', (operatorToken, message) => {
    const config = minimal();
    Object.assign(config.instances[0]!, {
      subscribers: [{ cidr: '127.10.0.0/16', msisdnPrefix: '+346001' }],
      operatorToken,
    });
    expect(configErrorOf(() => parseSandboxConfig(config))).toContain(message);
  });

  it('requires the poll delivery mode with the CIBA grant and keys with the JWT-bearer grant', () => {
    const ciba = minimal();
    Object.assign(ciba.instances[0]!.clients[0]!, {
      grantTypes: ['urn:openid:params:grant-type:ciba'],
    });
    expect(configErrorOf(() => parseSandboxConfig(ciba))).toContain(
      'instances[0].clients[0].backchannelTokenDeliveryMode: is required ("poll")',
    );
    const bearer = minimal();
    Object.assign(bearer.instances[0]!.clients[0]!, {
      grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
    });
    expect(configErrorOf(() => parseSandboxConfig(bearer))).toContain(
      'instances[0].clients[0].jwks: is required for urn:ietf:params:oauth:grant-type:jwt-bearer',
    );
  });

  it('names an unreadable file', () => {
    expect(configErrorOf(() => loadSandboxConfig('/nonexistent/sandbox.json'))).toContain(
      '/nonexistent/sandbox.json',
    );
  });
});

describe('runtime options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-config-'));
  const file = join(dir, 'sandbox.json');
  writeFileSync(file, JSON.stringify({ ...minimal(), dataDir: '.data/x' }));

  it('reads the config path from --config or SANDBOX_CONFIG and overrides ports per instance', () => {
    const fromFlag = parseRuntimeOptions(['--config', file, '--port-x=4999'], {});
    expect(fromFlag.config.instances[0]!.port).toBe(4999);
    expect(fromFlag.config.dataDir).toBe('.data/x');
    const fromEnv = parseRuntimeOptions([], {
      SANDBOX_CONFIG: file,
      SANDBOX_PORT_X: '4998',
      SANDBOX_DATA_DIR: 'none',
    });
    expect(fromEnv.config.instances[0]!.port).toBe(4998);
    expect(fromEnv.config.dataDir).toBeNull();
    expect(fromEnv.logLevel).toBe('info');
  });

  it('defaults to config/sandbox.json and rejects unknown flags, instances and bad values', () => {
    expect(parseRuntimeOptions(['--help'], {}).configPath).toBe('config/sandbox.json');
    expect(configErrorOf(() => parseRuntimeOptions(['--config', file, '--verbose'], {}))).toContain(
      'unknown option --verbose',
    );
    expect(
      configErrorOf(() => parseRuntimeOptions(['--config', file, '--port-z', '1'], {})),
    ).toContain('no instance sandbox-z');
    expect(
      configErrorOf(() => parseRuntimeOptions(['--config', file, '--port-x', 'http'], {})),
    ).toContain('not a port');
    expect(
      configErrorOf(() => parseRuntimeOptions(['--config', file], { LOG_LEVEL: 'loud' })),
    ).toContain('LOG_LEVEL');
  });
});
