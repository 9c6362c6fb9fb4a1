import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { clientAddSchema, clientUpdateSchema, clientViewSchema } from './client-contracts.js';
import {
  operatorInputSchema,
  operatorProfileUpdateSchema,
  operatorSchema,
  operatorUpdateSchema,
} from './operator-contracts.js';
import {
  allowedOriginsSchema,
  apkKeyHashesSchema,
  apkKeyHashSchema,
  carrierIdsSchema,
  originSchema,
} from './operator-token-rules.js';

const operator = {
  id: 'es-example',
  name: 'Example',
  country: 'ES',
  issuerUrl: 'https://id.example',
  apiRoot: 'https://api.example',
  clientId: 'switchboard',
  credentials: { method: 'client_secret_basic', clientSecret: 'a-secret-value' },
};
const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const firstIssue = (r: { error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  r.error && { path: r.error.issues[0]!.path, message: r.error.issues[0]!.message };

describe('operator: Android carrier ids and the operator-token switch', () => {
  it('defaults to no carrier ids and no operator tokens', () => {
    expect(operatorInputSchema.parse(operator)).toMatchObject({
      carrierIds: [],
      operatorToken: false,
    });
  });

  it('takes carrier ids 1 … 2^31-1, in the order given', () => {
    expect(
      operatorInputSchema.parse({
        ...operator,
        carrierIds: [2147483647, 1, 1839],
        operatorToken: true,
      }),
    ).toMatchObject({ carrierIds: [2147483647, 1, 1839], operatorToken: true });
    expect(carrierIdsSchema.parse(Array.from({ length: 64 }, (_, i) => i + 1))).toHaveLength(64);
  });

  it.each([
    [[0], [0], 'must be an Android carrier id (a positive integer)'],
    [[-5], [0], 'must be an Android carrier id (a positive integer)'],
    [[3.5], [0], 'must be an Android carrier id (a positive integer)'],
    [[2 ** 31], [0], 'must be an Android carrier id, at most 2147483647'],
    [['1839'], [0], 'must be an Android carrier id (a positive integer)'],
    [[null], [0], 'must be an Android carrier id (a positive integer)'],
    [[1839, 2034, 1839], [2], 'carrier id 1839 is listed twice'],
    [Array.from({ length: 65 }, (_, i) => i + 1), [], 'at most 64 carrier ids'],
  ])('refuses carrier ids %j', (ids, path, message) => {
    expect(firstIssue(carrierIdsSchema.safeParse(ids))).toEqual({ path, message });
  });

  it('refuses operator tokens without a carrier id when adding', () => {
    expect(firstIssue(operatorInputSchema.safeParse({ ...operator, operatorToken: true }))).toEqual(
      {
        path: ['operatorToken'],
        message: 'an operator offering operator tokens needs at least one Android carrier id',
      },
    );
  });

  it('lets updates, and the operator itself, change them; an update sets no default', () => {
    expect(operatorUpdateSchema.parse({ name: 'X' })).toEqual({ name: 'X' });
    expect(operatorUpdateSchema.parse({ carrierIds: [1839] })).toEqual({ carrierIds: [1839] });
    expect(operatorProfileUpdateSchema.parse({ carrierIds: [7], operatorToken: true })).toEqual({
      carrierIds: [7],
      operatorToken: true,
    });
    expect(operatorProfileUpdateSchema.safeParse({ operatorToken: 'yes' }).success).toBe(false);
  });

  it('is part of the operator everyone reads', () => {
    expect(operatorSchema.shape.carrierIds).toBeDefined();
    expect(operatorSchema.shape.operatorToken).toBeDefined();
  });
});

describe('client: allowed origins', () => {
  it.each([
    ['https://shop.example', 'https://shop.example'],
    ['HTTPS://Shop.EXAMPLE', 'https://shop.example'],
    ['https://shop.example:443', 'https://shop.example'],
    ['https://shop.example:8443', 'https://shop.example:8443'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://127.0.0.1', 'http://127.0.0.1'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
  ])('stores %s as the origin browsers send, %s', (given, stored) => {
    expect(originSchema.parse(given)).toBe(stored);
  });

  const NOT_AN_ORIGIN = 'must be an origin scheme://host[:port], without path, query or fragment';
  const NOT_HTTPS =
    'must be an https origin (http only for localhost, 127.0.0.1 or [::1]) without user info';
  it.each([
    ['https://shop.example/', NOT_AN_ORIGIN],
    ['https://shop.example/login', NOT_AN_ORIGIN],
    ['https://shop.example?x', NOT_AN_ORIGIN],
    ['https://shop.example#x', NOT_AN_ORIGIN],
    ['shop.example', NOT_AN_ORIGIN],
    ['android:apk-key-hash:abc', NOT_AN_ORIGIN],
    ['http://shop.example', NOT_HTTPS],
    ['http://10.0.0.1', NOT_HTTPS],
    ['ftp://shop.example', NOT_HTTPS],
    ['https://u:p@shop.example', NOT_HTTPS],
    ['https://shop.example:99999', NOT_HTTPS],
    ['https://shop.exa\u0000mple', 'must not contain control characters'],
  ])('refuses %j', (origin, message) => {
    expect(firstIssue(originSchema.safeParse(origin))?.message).toBe(message);
  });

  it('refuses a duplicate after serialising, and more than 20', () => {
    expect(
      firstIssue(allowedOriginsSchema.safeParse(['https://a.example', 'https://A.example:443'])),
    ).toEqual({ path: [1], message: 'origin https://a.example is listed twice' });
    const many = Array.from({ length: 21 }, (_, i) => `https://a${i}.example`);
    expect(firstIssue(allowedOriginsSchema.safeParse(many))?.message).toBe('at most 20 origins');
    expect(allowedOriginsSchema.parse(many.slice(0, 20))).toHaveLength(20);
  });
});

describe('client: APK key hashes', () => {
  it('takes the base64url SHA-256 of any key', () => {
    for (let i = 0; i < 200; i++)
      expect(apkKeyHashSchema.safeParse(sha256(`signing-key-${i}`)).success).toBe(true);
  });

  const MESSAGE = 'must be the base64url (unpadded) SHA-256 of the APK signing key: 43 characters';
  it.each([
    ['padded', `${sha256('k')}=`],
    // SHA-256('k0') has a '/' in standard base64.
    ['standard base64', createHash('sha256').update('k0').digest('base64').replace(/=$/, '')],
    ['42 characters', sha256('k').slice(0, 42)],
    ['hex', createHash('sha256').update('k').digest('hex')],
    // 43 characters whose last one carries bits beyond the 32 bytes: not a SHA-256 digest.
    ['non-canonical', `${sha256('k').slice(0, 42)}B`],
  ])('refuses a %s hash', (_what, hash) => {
    expect(hash).not.toBe(sha256('k'));
    expect(firstIssue(apkKeyHashSchema.safeParse(hash))?.message).toBe(MESSAGE);
  });

  it('refuses a duplicate and more than 20', () => {
    const h = sha256('k');
    expect(firstIssue(apkKeyHashesSchema.safeParse([h, h]))).toEqual({
      path: [1],
      message: `APK key hash ${h} is listed twice`,
    });
    const many = Array.from({ length: 21 }, (_, i) => sha256(String(i)));
    expect(firstIssue(apkKeyHashesSchema.safeParse(many))?.message).toBe(
      'at most 20 APK key hashes',
    );
  });
});

describe('client: where the operator-token settings go', () => {
  const backend = { name: 'Shop', grantType: 'backend', generateKey: true };
  it('a backend client takes them, defaulting to none; its view shows both lists', () => {
    expect(clientAddSchema.parse(backend)).toMatchObject({ allowedOrigins: [], apkKeyHashes: [] });
    expect(
      clientAddSchema.parse({
        ...backend,
        allowedOrigins: ['https://Shop.example'],
        apkKeyHashes: [sha256('k')],
      }),
    ).toMatchObject({ allowedOrigins: ['https://shop.example'], apkKeyHashes: [sha256('k')] });
    expect(clientViewSchema.shape.allowedOrigins).toBeDefined();
    expect(clientViewSchema.shape.apkKeyHashes).toBeDefined();
  });

  it.each([
    ['an app', { redirectUris: ['https://a.example/cb'] }],
    ['a machine client', { grantType: 'client_credentials' }],
  ])('%s does not', (_what, kind) => {
    const r = clientAddSchema.safeParse({
      name: 'X',
      generateKey: true,
      ...kind,
      apkKeyHashes: [sha256('k')],
    });
    expect(firstIssue(r)).toEqual({
      path: ['apkKeyHashes'],
      message: 'only a backend client exchanges operator tokens (allowedOrigins, apkKeyHashes)',
    });
  });

  it('an update replaces a list, [] clears it, and nothing given sets nothing', () => {
    expect(clientUpdateSchema.parse({ name: 'X' })).toEqual({ name: 'X' });
    expect(clientUpdateSchema.parse({ allowedOrigins: [], apkKeyHashes: [] })).toEqual({
      allowedOrigins: [],
      apkKeyHashes: [],
    });
  });
});
