import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, developmentWarnings, loadConfig } from './config.js';

describe('aggregator config', () => {
  it('has working development defaults', () => {
    const c = loadConfig({}, '/srv/sb');
    expect(c).toMatchObject({
      databaseUrl: 'pglite:./.data/switchboard',
      port: 3000,
      adminPort: 3100,
      adminHost: '127.0.0.1',
      usingDevMasterKey: true,
    });
    expect(c.dataDir).toBe(path.resolve('/srv/sb/.data'));
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('drains for SHUTDOWN_DRAIN_MS before closing (default 0), bounded to a minute', () => {
    expect(loadConfig({}).shutdownDrainMs).toBe(0);
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: '1500' }).shutdownDrainMs).toBe(1500);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: '600000' })).toThrow(/SHUTDOWN_DRAIN_MS/);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: 'soon' })).toThrow(/SHUTDOWN_DRAIN_MS/);
  });

  it('sweeps expired flow state every FLOW_STATE_SWEEP_SECONDS (default 60; 0 is off), at most hourly', () => {
    expect(loadConfig({}).flowStateSweepSeconds).toBe(60);
    expect(loadConfig({ FLOW_STATE_SWEEP_SECONDS: '0' }).flowStateSweepSeconds).toBe(0);
    expect(loadConfig({ FLOW_STATE_SWEEP_SECONDS: '300' }).flowStateSweepSeconds).toBe(300);
    for (const bad of ['-1', '3601', '1.5', 'often'])
      expect(() => loadConfig({ FLOW_STATE_SWEEP_SECONDS: bad })).toThrow(
        /FLOW_STATE_SWEEP_SECONDS/,
      );
  });

  it('runs one process by default; SWITCHBOARD_WORKERS takes a count or auto, and needs PostgreSQL', () => {
    const pg = { DATABASE_URL: 'postgres://sb@db.example/sb' };
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ ...pg, SWITCHBOARD_WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ ...pg, SWITCHBOARD_WORKERS: 'auto' }).workers).toBe(
      os.availableParallelism(),
    );
    expect(loadConfig({ SWITCHBOARD_WORKERS: '1' }).workers).toBe(1);
    for (const bad of ['0', '65', 'two', '1.5'])
      expect(() => loadConfig({ ...pg, SWITCHBOARD_WORKERS: bad })).toThrow(/SWITCHBOARD_WORKERS/);
    expect(() => loadConfig({ SWITCHBOARD_WORKERS: '2' })).toThrow(
      /SWITCHBOARD_WORKERS: 2 \(2 processes\) needs a PostgreSQL DATABASE_URL; embedded PGlite/,
    );
  });

  it('names the bad key', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ SWITCHBOARD_MASTER_KEY: 'short' })).toThrow(
      /SWITCHBOARD_MASTER_KEY: must be at least 32/,
    );
    expect(() => loadConfig({ SWITCHBOARD_ADMIN_TOKEN: 'short' })).toThrow(ConfigError);
  });

  it('refuses the development master key in production, and never echoes secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /SWITCHBOARD_MASTER_KEY is required/,
    );
    const key = 'k'.repeat(40);
    const c = loadConfig({
      NODE_ENV: 'production',
      SWITCHBOARD_MASTER_KEY: key,
      SWITCHBOARD_PREVIOUS_MASTER_KEYS: 'old-1, old-2',
    });
    expect(c.masterKeys).toEqual([key, 'old-1', 'old-2']);
    expect(c.usingDevMasterKey).toBe(false);
    try {
      loadConfig({ SWITCHBOARD_MASTER_KEY: 'secret-but-short' });
    } catch (e) {
      expect((e as Error).message).not.toContain('secret-but-short');
    }
  });

  it("names the built-in development key as a previous master key with 'development'", () => {
    const builtIn = loadConfig({}).masterKeys[0];
    const c = loadConfig({
      SWITCHBOARD_MASTER_KEY: 'n'.repeat(40),
      SWITCHBOARD_PREVIOUS_MASTER_KEYS: 'development',
    });
    expect(c.masterKeys).toEqual(['n'.repeat(40), builtIn]);
    expect(c.usingDevMasterKey).toBe(false);
  });

  it('reads the operator self-service settings, and refuses dev mode in production', () => {
    expect(loadConfig({}).operatorSelfService).toEqual({
      devMode: false,
      syncIntervalSeconds: 300,
      syncJitter: 0.2,
      fetchTimeoutMs: 10_000,
    });
    const dev = loadConfig({ OPERATOR_DEV_MODE: 'true', ROUTING_SYNC_INTERVAL_SECONDS: '0' });
    expect(dev.operatorSelfService).toMatchObject({ devMode: true, syncIntervalSeconds: 0 });
    expect(() => loadConfig({ OPERATOR_DEV_MODE: 'yes' })).toThrow(/OPERATOR_DEV_MODE/);
    expect(() => loadConfig({ ROUTING_SYNC_JITTER: '0.9' })).toThrow(/ROUTING_SYNC_JITTER/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        SWITCHBOARD_MASTER_KEY: 'k'.repeat(40),
        OPERATOR_DEV_MODE: 'true',
      }),
    ).toThrow(/OPERATOR_DEV_MODE: must not be true with NODE_ENV=production/);
  });
});

describe('ICM strict profile: only private_key_jwt (ICM r4.2 Client Authentication), ICM_STRICT_PROFILE', () => {
  const prod = { NODE_ENV: 'production', SWITCHBOARD_MASTER_KEY: 'p'.repeat(40) };

  it('is on by default with NODE_ENV=production, off otherwise', () => {
    expect(loadConfig(prod).icmStrictProfile).toBe(true);
    expect(loadConfig({}).icmStrictProfile).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).icmStrictProfile).toBe(false);
  });

  it('follows an explicit setting, and warns when it is off', () => {
    expect(loadConfig({ ICM_STRICT_PROFILE: 'true' }).icmStrictProfile).toBe(true);
    const off = loadConfig({ ...prod, ICM_STRICT_PROFILE: 'false' });
    expect(off.icmStrictProfile).toBe(false);
    expect(developmentWarnings(off).join('\n')).toMatch(/ICM_STRICT_PROFILE is off/);
    expect(developmentWarnings(loadConfig(prod))).toEqual([]);
  });

  it('names the key for a bad value', () => {
    expect(() => loadConfig({ ICM_STRICT_PROFILE: 'yes' })).toThrow(
      /ICM_STRICT_PROFILE: must be true or false/,
    );
  });

  it('reads OPENID4VP_TELEPHONY_TRUST_ANCHORS at start, refusing a missing file or one without a certificate', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-config-'));
    try {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      fs.writeFileSync(path.join(dir, 'roots.pem'), pem);
      fs.writeFileSync(path.join(dir, 'empty.pem'), 'not a certificate');
      expect(loadConfig({}).openId4Vp.telephonyTrustAnchorsPem).toBeUndefined();
      expect(
        loadConfig({ OPENID4VP_TELEPHONY_TRUST_ANCHORS: 'roots.pem' }, dir).openId4Vp
          .telephonyTrustAnchorsPem,
      ).toBe(pem);
      expect(() => loadConfig({ OPENID4VP_TELEPHONY_TRUST_ANCHORS: 'missing.pem' }, dir)).toThrow(
        /^invalid configuration: OPENID4VP_TELEPHONY_TRUST_ANCHORS: cannot read missing\.pem/,
      );
      expect(() => loadConfig({ OPENID4VP_TELEPHONY_TRUST_ANCHORS: 'empty.pem' }, dir)).toThrow(
        'invalid configuration: OPENID4VP_TELEPHONY_TRUST_ANCHORS: empty.pem holds no PEM certificate',
      );
      expect(() => loadConfig({ OPENID4VP_POLICY_URL: 'ftp://x' })).toThrow(/OPENID4VP_POLICY_URL/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('console settings', () => {
  it('serves apps/console/dist of this checkout by default, or SWITCHBOARD_CONSOLE_DIR', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    expect(loadConfig({}, '/srv/sb').console).toEqual({
      dir: path.resolve(here, '../../console/dist'),
      traceUrl: undefined,
    });
    expect(loadConfig({ SWITCHBOARD_CONSOLE_DIR: 'web' }, '/srv/sb').console.dir).toBe(
      '/srv/sb/web',
    );
  });

  it('takes a SWITCHBOARD_TRACE_URL with {traceId}, and refuses one without', () => {
    expect(
      loadConfig({ SWITCHBOARD_TRACE_URL: 'http://127.0.0.1:16686/trace/{traceId}' }).console
        .traceUrl,
    ).toBe('http://127.0.0.1:16686/trace/{traceId}');
    expect(() => loadConfig({ SWITCHBOARD_TRACE_URL: 'http://127.0.0.1:16686/trace/' })).toThrow(
      'invalid configuration: SWITCHBOARD_TRACE_URL: must contain {traceId}',
    );
    expect(() => loadConfig({ SWITCHBOARD_TRACE_URL: 'javascript:alert(1)/{traceId}' })).toThrow(
      /SWITCHBOARD_TRACE_URL/,
    );
  });
});
