import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, SECRET_KEYS, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working development defaults, and names them', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      issuer: 'http://127.0.0.1:3000',
      clientId: 'demo-app',
      redirectUri: 'http://127.0.0.1:3001/callback',
      port: 3001,
      purpose: 'dpv:FraudPreventionAndDetection',
      allowInsecureIssuer: true,
    });
    expect(c.devDefaults).toEqual(['SESSION_SECRET', 'CLIENT_SECRET']);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('refuses development defaults and http issuers in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'SESSION_SECRET is required in production',
    );
    const secrets = { SESSION_SECRET: 'x'.repeat(32), CLIENT_SECRET: 'y'.repeat(16) };
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets })).toThrow(
      'ISSUER must be https://',
    );
  });

  it('allows an http issuer off loopback only when told to', () => {
    expect(loadConfig({ ISSUER: 'http://10.0.0.1:3000' }).allowInsecureIssuer).toBe(false);
    const flagged = loadConfig({ ISSUER: 'http://10.0.0.1:3000', ALLOW_INSECURE_ISSUER: 'true' });
    expect(flagged.allowInsecureIssuer).toBe(true);
    expect(loadConfig({ ISSUER: 'https://sb.example' }).allowInsecureIssuer).toBe(false);
  });

  it('names the bad key', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PURPOSE: 'marketing' })).toThrow(/PURPOSE: must be one dpv:/);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET/);
  });

  it('reads a private key file (JWK) instead of a client secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-config-'));
    const file = join(dir, 'key.json');
    writeFileSync(file, JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }));
    const c = loadConfig({ PRIVATE_KEY_FILE: file });
    expect(c.clientSecret).toBeUndefined();
    expect(c.privateKey).toMatchObject({ kty: 'EC' });
    expect(c.devDefaults).toEqual(['SESSION_SECRET']);
    expect(() => loadConfig({ PRIVATE_KEY_FILE: file, CLIENT_SECRET: 'z'.repeat(16) })).toThrow(
      'not both',
    );
    expect(() => loadConfig({ PRIVATE_KEY_FILE: join(dir, 'none') })).toThrow(/PRIVATE_KEY_FILE/);
  });

  it('configures the call centre’s backend client only with both its settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-config-'));
    const file = join(dir, 'backend-key.json');
    writeFileSync(file, JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }));
    expect(loadConfig({}).backend).toBeUndefined();
    const c = loadConfig({ BACKEND_CLIENT_ID: 'call-centre', BACKEND_PRIVATE_KEY_FILE: file });
    expect(c.backend).toMatchObject({ clientId: 'call-centre', privateKey: { kty: 'EC' } });
    expect(() => loadConfig({ BACKEND_CLIENT_ID: 'call-centre' })).toThrow(
      'BACKEND_PRIVATE_KEY_FILE: is required with BACKEND_CLIENT_ID',
    );
    expect(() => loadConfig({ BACKEND_PRIVATE_KEY_FILE: file })).toThrow(
      'BACKEND_CLIENT_ID: is required with BACKEND_PRIVATE_KEY_FILE',
    );
    expect(() =>
      loadConfig({ BACKEND_CLIENT_ID: 'x', BACKEND_PRIVATE_KEY_FILE: join(dir, 'none') }),
    ).toThrow(/BACKEND_PRIVATE_KEY_FILE: /);
    expect(SECRET_KEYS).toContain('BACKEND_PRIVATE_KEY_FILE');
  });

  it('configures "Verify with your SIM" only with its client and the simulated phone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-config-'));
    const key = join(dir, 'sim-key.json');
    writeFileSync(key, JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }));
    const handset = join(dir, 'handset.json');
    const sim = {
      slot: 0,
      subscriptionId: 1,
      carrierId: 90001,
      mccMnc: '99901',
      msisdn: '+346001000005',
      secret: 'sim-secret-a-5',
      entitlementUrl: 'http://127.0.0.1:4001',
      label: 'Sandbox Operator A',
    };
    const fingerprint = 'ab'.repeat(32);
    const file = {
      telephony: { rootPem: 'x' },
      sims: [sim],
      allowlist: { '99901': [fingerprint] },
    };
    writeFileSync(handset, JSON.stringify(file));
    const all = {
      OPERATOR_TOKEN_CLIENT_ID: 'demo-sim',
      OPERATOR_TOKEN_PRIVATE_KEY_FILE: key,
      HANDSET_FILE: handset,
    };
    expect(loadConfig({}).sim).toBeUndefined();
    expect(loadConfig(all).sim).toEqual({
      client: {
        clientId: 'demo-sim',
        privateKey: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' },
      },
      handset: file,
    });
    expect(() => loadConfig({ ...all, HANDSET_FILE: undefined })).toThrow(
      'HANDSET_FILE: is required with OPERATOR_TOKEN_CLIENT_ID',
    );
    expect(() => loadConfig({ HANDSET_FILE: handset })).toThrow(
      'OPERATOR_TOKEN_CLIENT_ID: is required with HANDSET_FILE',
    );
    expect(() => loadConfig({ ...all, OPERATOR_TOKEN_PRIVATE_KEY_FILE: undefined })).toThrow(
      'OPERATOR_TOKEN_PRIVATE_KEY_FILE: is required with OPERATOR_TOKEN_CLIENT_ID',
    );
    const bad = (contents: unknown) => {
      writeFileSync(handset, typeof contents === 'string' ? contents : JSON.stringify(contents));
      return () => loadConfig(all);
    };
    expect(bad('{')).toThrow('HANDSET_FILE: not JSON');
    expect(bad({ ...file, sims: [{ ...sim, msisdn: '600' }] })).toThrow(
      'HANDSET_FILE: sims.0.msisdn: must be +E.164',
    );
    expect(bad({ ...file, sims: [sim, sim] })).toThrow('HANDSET_FILE: sims: slots must differ');
    expect(bad({ ...file, allowlist: { '99901': ['AB'] } })).toThrow(
      /HANDSET_FILE: allowlist\.99901\.0: must be a SHA-256 fingerprint/,
    );
    expect(() => loadConfig({ ...all, HANDSET_FILE: join(dir, 'none') })).toThrow(
      /HANDSET_FILE: ENOENT/,
    );
    expect(SECRET_KEYS).toEqual(
      expect.arrayContaining(['OPERATOR_TOKEN_PRIVATE_KEY_FILE', 'HANDSET_FILE']),
    );
  });
});
