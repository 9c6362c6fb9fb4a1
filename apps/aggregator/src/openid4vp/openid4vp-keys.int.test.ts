import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { decodeProtectedHeader, importX509, jwtVerify, SignJWT } from 'jose';
import { createSecretBox } from '@switchboard/tokens';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { createMasterKeyRotation } from '../keys/master-key-rotation.js';
import { deleteExpiredFlowState } from '../authorize/store/oidc-model-store.js';
import { ephemeralKeyContext } from './credential-request.js';
import { createOpenId4VpKeys } from './openid4vp-keys.js';
import { insertOpenId4VpRequest } from './store/openid4vp-request-store.js';
import { certificateFromDer } from './x509-certificates.js';

const OLD = 'old-master-key-for-openid4vp-tests-0001';
const NEW = 'new-master-key-for-openid4vp-tests-0002';
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());
beforeEach(async () => {
  await t.db.knex('openid4vp_requests').delete();
  await t.db.knex('openid4vp_keys').where({ role: 'leaf' }).delete();
  await t.db.knex('openid4vp_keys').delete();
});

const keysWith = (masterKeys: string[], clock?: () => number) =>
  createOpenId4VpKeys({
    knex: t.db.knex,
    secretBox: createSecretBox(masterKeys),
    name: 'aggregator.test',
    ...(clock ? { clock } : {}),
  });

const pem = (der: string) => `-----BEGIN CERTIFICATE-----\n${der}\n-----END CERTIFICATE-----`;
const count = async (role: string) =>
  Number(
    ((await t.db.knex('openid4vp_keys').where({ role }).count('*')) as Array<{ count: string }>)[0]!
      .count,
  );

describe('OpenID4VP signing keys', () => {
  it('two processes booting at once create one root and one leaf', async () => {
    await Promise.all([keysWith([OLD]).bootstrap(), keysWith([OLD]).bootstrap()]);
    expect(await count('root')).toBe(1);
    expect(await count('leaf')).toBe(1);
    await keysWith([OLD]).bootstrap();
    expect(await count('leaf')).toBe(1);
  });

  it('signs with the leaf; x5c is [leaf, root], the leaf certified by the root, the view names its fingerprint', async () => {
    const keys = keysWith([OLD]);
    await keys.bootstrap();
    const signer = await keys.signer();
    const jwt = await new SignJWT({ a: 1 })
      .setProtectedHeader({ alg: 'ES256', x5c: signer.x5c })
      .sign(signer.privateKey);
    const [leafDer, rootDer] = decodeProtectedHeader(jwt).x5c!;
    await expect(jwtVerify(jwt, await importX509(pem(leafDer!), 'ES256'))).resolves.toBeDefined();
    const leaf = certificateFromDer(leafDer!);
    const root = certificateFromDer(rootDer!);
    await expect(leaf.verify({ publicKey: root.publicKey, signatureOnly: true })).resolves.toBe(
      true,
    );
    const view = await keys.view();
    expect(view.root.fingerprint).toBe(
      createHash('sha256').update(Buffer.from(rootDer!, 'base64')).digest('hex'),
    );
    expect(view.leaf.kid).toBe(signer.kid);
    expect(view.x5c).toEqual(signer.x5c);
  });

  it('rotate: a new leaf under the same root; rotate --root: a new root and a leaf under it', async () => {
    const keys = keysWith([OLD]);
    await keys.bootstrap();
    const before = await keys.view();
    const leaf = await keys.rotate();
    expect(leaf.root.kid).toBe(before.root.kid);
    expect(leaf.leaf.kid).not.toBe(before.leaf.kid);
    expect((await keys.signer()).kid).toBe(leaf.leaf.kid);
    const root = await keys.rotate({ root: true });
    expect(root.root.kid).not.toBe(before.root.kid);
    expect(root.root.fingerprint).not.toBe(before.root.fingerprint);
    const signer = await keys.signer();
    expect(signer.kid).toBe(root.leaf.kid);
    expect(signer.x5c[1]).toBe(root.x5c[1]);
  });

  it('boot replaces an expired leaf (clock injected)', async () => {
    await keysWith([OLD]).bootstrap();
    const first = await keysWith([OLD]).view();
    const later = new Date(first.leaf.notAfter).getTime() + 1000;
    const keys = keysWith([OLD], () => later);
    await keys.bootstrap();
    const view = await keys.view();
    expect(view.leaf.kid).not.toBe(first.leaf.kid);
    expect(view.root.kid).toBe(first.root.kid);
  });

  it('rotate-master re-seals the OpenID4VP keys and the requests’ ephemeral keys', async () => {
    await keysWith([OLD]).bootstrap();
    const old = createSecretBox([OLD]);
    await insertOpenId4VpRequest(t.db.knex, {
      id: 'sb-ot-req-1',
      client_id: 'sb-client-1',
      nonce: 'nonce-0123456789abcdef',
      vct: 'number-verification/verify/ts43',
      scope: 'dpv:FraudPreventionAndDetection number-verification:verify',
      consent_data_hash: 'hash',
      ephemeral_key_enc: old.seal(
        '{"kty":"EC"}',
        ephemeralKeyContext('sb-ot-req-1', 'sb-client-1'),
      ),
      expires_at: new Date(Date.now() + 300_000),
    });
    const report = await createMasterKeyRotation({
      knex: t.db.knex,
      secretBox: createSecretBox([NEW, OLD]),
    }).rotate();
    const of = (table: string) => report.columns.find((c) => c.table === table);
    expect(of('openid4vp_keys')).toMatchObject({ scanned: 2, resealed: 2, failed: [] });
    expect(of('openid4vp_requests')).toMatchObject({ scanned: 1, resealed: 1, failed: [] });
    // The new key alone opens everything.
    await expect(keysWith([NEW]).signer()).resolves.toBeDefined();
    const row = (await t.db.knex('openid4vp_requests').first()) as { ephemeral_key_enc: string };
    expect(
      createSecretBox([NEW]).open(
        row.ephemeral_key_enc,
        ephemeralKeyContext('sb-ot-req-1', 'sb-client-1'),
      ),
    ).toBe('{"kty":"EC"}');
  });
});

describe('openid4vp_requests expiry', () => {
  it('the expiry sweep deletes expired requests and keeps live ones', async () => {
    const row = (id: string, nonce: string, expiresAt: Date) => ({
      id,
      client_id: 'sb-client-1',
      nonce,
      vct: 'number-verification/verify/ts43',
      scope: 'dpv:FraudPreventionAndDetection number-verification:verify',
      consent_data_hash: 'hash',
      ephemeral_key_enc: 'sealed',
      expires_at: expiresAt,
    });
    await insertOpenId4VpRequest(
      t.db.knex,
      row('expired', 'nonce-expired-000000', new Date(Date.now() - 1000)),
    );
    await insertOpenId4VpRequest(
      t.db.knex,
      row('live', 'nonce-live-0000000000', new Date(Date.now() + 300_000)),
    );
    await deleteExpiredFlowState(t.db.knex);
    expect(
      (await t.db.knex('openid4vp_requests').select('id')).map((r: { id: string }) => r.id),
    ).toEqual(['live']);
  });

  it('a client cannot store the same nonce twice', async () => {
    const row = {
      id: 'a',
      client_id: 'sb-client-1',
      nonce: 'nonce-0123456789abcdef',
      vct: 'v',
      scope: 's',
      consent_data_hash: 'h',
      ephemeral_key_enc: 'sealed',
      expires_at: new Date(Date.now() + 300_000),
    };
    expect(await insertOpenId4VpRequest(t.db.knex, row)).toBe(true);
    expect(await insertOpenId4VpRequest(t.db.knex, { ...row, id: 'b' })).toBe(false);
    expect(await insertOpenId4VpRequest(t.db.knex, { ...row, id: 'c', client_id: 'other' })).toBe(
      true,
    );
  });
});
