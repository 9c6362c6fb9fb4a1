import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '../logger.js';
import {
  createEntitlementService,
  EntitlementError,
  expectedResponse,
} from './entitlement-service.js';
import { createTempTokenLedger } from './temp-token-ledger.js';

const SIM = { msisdn: '+346001000005', secret: 'sim-secret-a-5' };

const service = () => {
  const clock = { t: 5_000_000, now: () => clock.t };
  const ledger = createTempTokenLedger({ ttlSeconds: 120, clock });
  const ecs = createEntitlementService({ sims: [SIM], ledger, clock, logger: silentLogger });
  return { clock, ledger, ecs };
};

const refusal = (fn: () => unknown): EntitlementError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EntitlementError);
    return err as EntitlementError;
  }
  throw new Error('expected an EntitlementError');
};

describe('entitlement service (simulated SIM authentication, GSMA TS.43 Temporary Token)', () => {
  it('binds the temp_token it issues to the authenticated MSISDN', () => {
    const { ecs, ledger } = service();
    const { challenge } = ecs.challenge({ msisdn: SIM.msisdn });
    const response = expectedResponse(SIM.secret, challenge);
    const { temp_token } = ecs.temporaryToken({ msisdn: SIM.msisdn, challenge, response });
    expect(ledger.redeem(temp_token)).toEqual({ ok: true, msisdn: SIM.msisdn });
  });

  it('the response is base64url(HMAC-SHA256(utf8(secret), utf8(challenge)))', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(expectedResponse('Jefe', 'what do ya want for nothing?')).toBe(
      Buffer.from(
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
        'hex',
      ).toString('base64url'),
    );
  });

  it('refuses a challenge answered after 60 s (by the injected clock)', () => {
    const { ecs, clock } = service();
    const { challenge } = ecs.challenge({ msisdn: SIM.msisdn });
    clock.t += 60_000;
    const error = refusal(() =>
      ecs.temporaryToken({
        msisdn: SIM.msisdn,
        challenge,
        response: expectedResponse(SIM.secret, challenge),
      }),
    );
    expect(error.error).toBe('authentication_failed');
  });

  it('names the field of a bad request', () => {
    const { ecs } = service();
    expect(refusal(() => ecs.challenge({ msisdn: 5 })).description).toMatch(/^msisdn: /);
    expect(refusal(() => ecs.challenge(null)).description).toMatch(/JSON object/);
    expect(refusal(() => ecs.challenge({ msisdn: SIM.msisdn, x: 1 })).description).toBe(
      'unknown properties: x',
    );
  });
});
