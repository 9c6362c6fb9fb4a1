import { describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import type { ClientAuth } from 'openid-client';
import { nodePrivateKeyJwt } from './client-assertion.js';

const as = { issuer: 'https://op.example' } as Parameters<ClientAuth>[0];
const client = { client_id: 'switchboard' } as Parameters<ClientAuth>[1];

async function keyPair(alg: string, options: Record<string, unknown> = {}) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { jwk: { ...(await exportJWK(privateKey)), kid: 'k1' }, publicKey };
}

describe('private_key_jwt at an operator, signed by node:crypto', () => {
  it.each(['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256'])(
    '%s: an assertion jose verifies, with the claims RFC 7523 asks for',
    async (alg) => {
      const { jwk, publicKey } = await keyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
      const auth = nodePrivateKeyJwt(jwk, alg)!;
      const body = new URLSearchParams();
      await auth(as, client, body, new Headers());
      expect(body.get('client_id')).toBe('switchboard');
      expect(body.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      );
      const assertion = body.get('client_assertion')!;
      expect(decodeProtectedHeader(assertion)).toEqual({ alg, kid: 'k1' });
      const { payload } = await jwtVerify(assertion, publicKey, {
        issuer: 'switchboard',
        subject: 'switchboard',
        audience: 'https://op.example',
      });
      expect(payload.exp! - payload.iat!).toBe(60);
      expect(payload.nbf).toBe(payload.iat);
      expect(payload.jti).toMatch(/^[\w-]{43}$/);
    },
  );

  it('gives every assertion its own jti', async () => {
    const { jwk } = await keyPair('ES256');
    const auth = nodePrivateKeyJwt(jwk, 'ES256')!;
    const jtis = new Set<string>();
    for (let i = 0; i < 20; i += 1) {
      const body = new URLSearchParams();
      await auth(as, client, body, new Headers());
      const [, payload] = body.get('client_assertion')!.split('.');
      jtis.add((JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { jti: string }).jti);
    }
    expect(jtis.size).toBe(20);
  });

  it('refuses a key that does not fit its algorithm, as jose would', async () => {
    const { jwk } = await keyPair('ES384');
    expect(() => nodePrivateKeyJwt(jwk, 'ES256')).toThrow(/does not fit ES256/);
    const rsa = await keyPair('RS256');
    expect(() => nodePrivateKeyJwt(rsa.jwk, 'ES256')).toThrow(/does not fit ES256/);
  });

  it('leaves an algorithm it does not map to openid-client (undefined)', async () => {
    const { jwk } = await keyPair('ES256');
    expect(nodePrivateKeyJwt(jwk, 'HS256')).toBeUndefined();
  });
});
