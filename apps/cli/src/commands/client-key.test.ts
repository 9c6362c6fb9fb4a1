import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, createLocalJWKSet, importJWK, jwtVerify, SignJWT } from 'jose';
import { runCli } from '../../test-support/run-cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-client-key-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// No aggregator is involved: the command works offline.
const cli = (...argv: string[]) => runCli({ adminUrl: 'http://127.0.0.1:9' }, argv);

describe('keys generate-client-key', () => {
  it.each(['ES256', 'RS256', 'EdDSA'])(
    '%s: writes the private JWK (mode 0600), prints a public JWKS that verifies its assertions',
    async (alg) => {
      const out = path.join(dir, `${alg}.json`);
      const run = await cli('keys', 'generate-client-key', '--out', out, '--alg', alg);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);
      const privateJwk = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, string>;
      const jwks = JSON.parse(run.stdout) as { keys: Array<Record<string, string>> };
      expect(jwks.keys).toHaveLength(1);
      const pub = jwks.keys[0]!;
      expect(pub).not.toHaveProperty('d');
      expect(privateJwk.d).toEqual(expect.any(String));
      expect(pub).toMatchObject({ alg, use: 'sig', kid: privateJwk.kid });
      expect(pub.kid).toBe(await calculateJwkThumbprint(pub));
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg, kid: privateJwk.kid })
        .setIssuer('switchboard')
        .setAudience('https://operator.example')
        .setExpirationTime('1m')
        .sign(await importJWK(privateJwk, alg));
      const verified = await jwtVerify(assertion, createLocalJWKSet(jwks as never), {
        audience: 'https://operator.example',
      });
      expect(verified.payload.iss).toBe('switchboard');
    },
  );

  it('refuses to overwrite a file unless --force, and refuses an unknown --alg (exit 2)', async () => {
    const out = path.join(dir, 'taken.json');
    fs.writeFileSync(out, 'keep me');
    const refused = await cli('keys', 'generate-client-key', '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/exists: choose another --out, or --force to overwrite it/);
    expect(fs.readFileSync(out, 'utf8')).toBe('keep me');
    const forced = await cli('keys', 'generate-client-key', '--out', out, '--force');
    expect(forced.code).toBe(0);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const bad = await cli(
      'keys',
      'generate-client-key',
      '--out',
      path.join(dir, 'x.json'),
      '--alg',
      'HS256',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/must be one of ES256, RS256, EdDSA/);
    expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(false);
  });
});
