import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { EncryptJWT } from 'jose';
import { createTokenKeyring } from '@switchboard/tokens';
import { nonCanonicalSpellings } from '../../test-support/token-spellings.js';
import { createMachineTokenVerifier } from './machine-token-verifier.js';

const ISSUER = 'https://switchboard.example';
const AUDIENCE = `${ISSUER}/operators`;
const key = { kid: 'key-1', secret: randomBytes(32) };

const verifier = createMachineTokenVerifier({
  issuer: ISSUER,
  audience: AUDIENCE,
  scope: 'operator:manage',
  tokenKeyring: async () => createTokenKeyring([key]),
  isActiveClient: async () => true,
});

const mint = () =>
  new EncryptJWT({ client_id: 'op-client', scope: 'operator:manage', operator_id: 'op-a' })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .encrypt(key.secret);

describe('machine token verifier', () => {
  it('accepts only the canonical spelling of a client-credentials token (RFC 4648 §3.5): its other spellings get 401', async () => {
    const token = await mint();
    await expect(verifier.verify(token)).resolves.toMatchObject({ clientId: 'op-client' });
    const spellings = nonCanonicalSpellings(token);
    expect(spellings.length).toBeGreaterThan(0);
    for (const spelling of spellings)
      await expect(verifier.verify(spelling)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
