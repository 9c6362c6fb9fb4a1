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
});
