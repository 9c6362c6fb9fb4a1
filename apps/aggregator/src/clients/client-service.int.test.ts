import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { ConflictError, InputError } from '@switchboard/telco-finder';
import { createSecretBox } from '@switchboard/tokens';
import { createClientService, type ClientService } from './client-service.js';

// Issue 14: the operator-token settings of an app (CAMARA NumberVerification, "Operator Token
// Acquisition"): the web origins and APK key hashes its Telephony Binding JWT `aud` may name.
let t: TestDatabase;
let clients: ClientService;

beforeAll(async () => {
  t = await createTestDatabase();
  clients = createClientService({
    knex: t.db.knex,
    secretBox: createSecretBox(['test-master-key-0123456789abcdef0123']),
  });
});
afterAll(() => t.destroy());

const HASH_A = 'n'.repeat(42) + 'A';
const HASH_B = 'z-_'.repeat(14) + 'w';
const backend = (extra: Record<string, unknown> = {}) => ({
  name: 'Shop backend',
  grantType: 'backend',
  generateKey: true,
  ...extra,
});

describe(`client operator-token settings on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('stores origins (serialised) and APK key hashes, and the backend client carries them with its name', async () => {
    const { client } = await clients.add(
      backend({
        allowedOrigins: ['HTTPS://Shop.Example:443', 'http://localhost:5173'],
        apkKeyHashes: [HASH_A],
      }),
    );
    expect(client).toMatchObject({
      allowedOrigins: ['https://shop.example', 'http://localhost:5173'],
      apkKeyHashes: [HASH_A],
    });
    expect(await clients.get(client.id)).toMatchObject({ allowedOrigins: client.allowedOrigins });
    expect(await clients.backendClient(client.id)).toMatchObject({
      id: client.id,
      name: 'Shop backend',
      allowedOrigins: ['https://shop.example', 'http://localhost:5173'],
      apkKeyHashes: [HASH_A],
    });
  });

  it('defaults to empty lists; an update replaces a list, [] clears it, and leaves the other alone', async () => {
    const { client } = await clients.add(backend());
    expect(client).toMatchObject({ allowedOrigins: [], apkKeyHashes: [] });
    await clients.update(client.id, { allowedOrigins: ['https://a.example'] });
    await clients.update(client.id, { apkKeyHashes: [HASH_A, HASH_B] });
    const replaced = await clients.update(client.id, {
      allowedOrigins: ['https://b.example:8443'],
    });
    expect(replaced).toMatchObject({
      allowedOrigins: ['https://b.example:8443'],
      apkKeyHashes: [HASH_A, HASH_B],
    });
    expect(await clients.update(client.id, { apkKeyHashes: [] })).toMatchObject({
      allowedOrigins: ['https://b.example:8443'],
      apkKeyHashes: [],
    });
  });

  it('keeps the settings to backend clients', async () => {
    await expect(
      clients.add({
        name: 'Web app',
        redirectUris: ['https://app.example/cb'],
        generateKey: true,
        allowedOrigins: ['https://app.example'],
      }),
    ).rejects.toThrow(
      'invalid client: allowedOrigins: only a backend client exchanges operator tokens (allowedOrigins, apkKeyHashes)',
    );
    const { client } = await clients.add({
      name: 'Web app',
      redirectUris: ['https://app.example/cb'],
      generateKey: true,
    });
    await expect(clients.update(client.id, { apkKeyHashes: [HASH_A] })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await clients.update(client.id, { apkKeyHashes: [] })).toMatchObject({
      apkKeyHashes: [],
    });
  });

  it.each([
    [
      { allowedOrigins: ['http://shop.example'] },
      'allowedOrigins.0: must be an https origin (http only for localhost, 127.0.0.1 or [::1]) without user info',
    ],
    [
      { allowedOrigins: ['https://shop.example/'] },
      'allowedOrigins.0: must be an origin scheme://host[:port], without path, query or fragment',
    ],
    [
      { allowedOrigins: ['https://shop.example?x=1'] },
      'allowedOrigins.0: must be an origin scheme://host[:port], without path, query or fragment',
    ],
    [
      { allowedOrigins: ['shop.example'] },
      'allowedOrigins.0: must be an origin scheme://host[:port], without path, query or fragment',
    ],
    [
      { allowedOrigins: ['https://user@shop.example'] },
      'allowedOrigins.0: must be an https origin (http only for localhost, 127.0.0.1 or [::1]) without user info',
    ],
    [
      { allowedOrigins: ['https://a.example', 'https://A.example:443'] },
      'allowedOrigins.1: origin https://a.example is listed twice',
    ],
    [
      { allowedOrigins: Array.from({ length: 21 }, (_, i) => `https://a${i}.example`) },
      'allowedOrigins: at most 20 origins',
    ],
    [
      { apkKeyHashes: ['n'.repeat(42) + 'B'] },
      'apkKeyHashes.0: must be the base64url (unpadded) SHA-256 of the APK signing key: 43 characters',
    ],
    [
      { apkKeyHashes: ['n'.repeat(43) + '='] },
      'apkKeyHashes.0: must be the base64url (unpadded) SHA-256 of the APK signing key: 43 characters',
    ],
    [{ apkKeyHashes: [HASH_A, HASH_A] }, `apkKeyHashes.1: APK key hash ${HASH_A} is listed twice`],
  ])('refuses %j with a message naming the field', async (patch, message) => {
    const { client } = await clients.add(backend());
    const err = await clients.update(client.id, patch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`invalid client: ${message}`);
  });
});
