import { describe, expect, it } from '@jest/globals';
import type { Knex } from 'knex';
import type { TelcoFinder } from '@switchboard/telco-finder';
import { createSecretBox } from '@switchboard/tokens';
import type { OperatorBackendClient } from '../flow/operator-backend-client.js';
import { silentLogger } from '../../infra/logging.js';
import { createVpTokenExchange } from './vp-token-exchange.js';

describe('the vp_token: exchange without Telephony trust anchors', () => {
  it('refuses every SD-JWT saying so, before touching the database or spending the jti', async () => {
    let touched = false;
    const exchange = createVpTokenExchange({
      knex: (() => {
        touched = true;
      }) as unknown as Knex,
      secretBox: createSecretBox(['master-key-for-tests-0123456789abcdef']),
      finder: {} as TelcoFinder,
      backend: {} as OperatorBackendClient,
      trustAnchors: undefined,
      logger: silentLogger,
    });
    const client = {
      id: 'sb-app',
      name: 'App',
      jwks: { keys: [] },
      trustTelSubject: false,
      allowedScopes: ['number-verification:verify'],
      allowedOrigins: ['https://app.example'],
      apkKeyHashes: [],
    };
    await expect(
      exchange({
        client,
        scope: 'dpv:ServiceProvision number-verification:verify',
        sdJwt: 'a.b.c~d.e.f',
        assertion: { jti: 'jti-1', expiresAt: new Date() },
      }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
      description: 'no Telephony trust anchors are configured',
    });
    expect(touched).toBe(false);
  });
});
