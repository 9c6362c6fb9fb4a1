import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { jsonHasNoControlCharacters } from './field-rules.js';
import { operatorInputSchema, operatorUpdateSchema } from './operator-contracts.js';

const base = {
  id: 'es-example',
  name: 'Example',
  country: 'es',
  issuerUrl: 'https://id.example',
  apiRoot: 'https://api.example',
  clientId: 'switchboard',
  credentials: { method: 'client_secret_basic', clientSecret: 'a-secret-value' },
};

describe('operator schema: what may be stored', () => {
  it('accepts a well-formed operator', () => {
    expect(operatorInputSchema.parse(base)).toMatchObject({ country: 'ES', status: 'active' });
  });

  it.each([
    ['name', { name: 'Ex\u0000ample' }],
    ['name', { name: 'Ex\u001b[31mample' }],
    ['name', { name: 'Ex\u0085ample' }],
    ['clientId', { clientId: 'switch\u0000board' }],
    ['clientId', { clientId: 'switchböard' }],
    ['issuerUrl', { issuerUrl: 'https://id.example/\u0000' }],
    ['apiRoot', { apiRoot: 'https://api.example/\tv1' }],
    ['routingUrl', { routingUrl: 'https://api.example/\r\nx' }],
  ])('refuses control characters or non-VSCHAR in %s', (field, patch) => {
    const r = operatorUpdateSchema.safeParse(patch);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual([field]);
  });

  it('keeps ordinary Unicode in names', () => {
    expect(operatorUpdateSchema.parse({ name: '  Telefónica España 📶 ' })).toEqual({
      name: 'Telefónica España 📶',
    });
  });

  it('takes only a private JWK that imports as a key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' });
    const credentials = (privateJwk: unknown) => ({
      credentials: { method: 'private_key_jwt', privateJwk },
    });
    expect(operatorUpdateSchema.safeParse(credentials(jwk)).success).toBe(true);
    const fake = operatorUpdateSchema.safeParse(
      credentials({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }),
    );
    expect(fake.error?.issues[0]?.message).toBe('is not a usable private key');
  });
});

describe('jsonHasNoControlCharacters', () => {
  it('looks into nested strings and keys', () => {
    expect(jsonHasNoControlCharacters({ a: ['x', { b: 1, c: null }] })).toBe(true);
    expect(jsonHasNoControlCharacters({ a: ['x', { b: 'y\u0000' }] })).toBe(false);
    expect(jsonHasNoControlCharacters({ 'k\u0007': 1 })).toBe(false);
  });
});
