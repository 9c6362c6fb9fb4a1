import { describe, expect, it } from '@jest/globals';
import { createTempTokenLedger } from './temp-token-ledger.js';

const at = (start = 1_000_000) => {
  const clock = { t: start, now: () => clock.t };
  return { clock, ledger: createTempTokenLedger({ ttlSeconds: 120, clock }) };
};

describe('temp_token ledger (GSMA TS.43 Temporary Token → MSISDN)', () => {
  it('issues opaque 32-byte base64url tokens bound to the line, redeemable once', () => {
    const { ledger } = at();
    const { token, expiresIn } = ledger.issue('+346001000005');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresIn).toBe(120);
    expect(ledger.redeem(token)).toEqual({ ok: true, msisdn: '+346001000005' });
    expect(ledger.redeem(token)).toEqual({ ok: false, reason: 'used' });
  });

  it('refuses a token at its expiry, by the injected clock', () => {
    const { ledger, clock } = at();
    const { token } = ledger.issue('+346001000005');
    clock.t += 119_999;
    const early = ledger.issue('+346001000006').token;
    expect(ledger.redeem(early)).toMatchObject({ ok: true });
    clock.t += 1;
    expect(ledger.redeem(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('does not know a token it never issued, nor one long expired', () => {
    const { ledger, clock } = at();
    expect(ledger.redeem('never-issued')).toEqual({ ok: false, reason: 'unknown' });
    const { token } = ledger.issue('+346001000005');
    clock.t += 240_000;
    expect(ledger.redeem(token)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('forgets the oldest tokens beyond its capacity', () => {
    const clock = { now: () => 1_000_000 };
    const ledger = createTempTokenLedger({ ttlSeconds: 120, clock, maxTokens: 2 });
    const [first, second, third] = ['+346001000005', '+346001000006', '+346001000005'].map(
      (msisdn) => ledger.issue(msisdn).token,
    );
    expect(ledger.redeem(first!)).toEqual({ ok: false, reason: 'unknown' });
    expect(ledger.redeem(second!)).toMatchObject({ ok: true });
    expect(ledger.redeem(third!)).toMatchObject({ ok: true });
  });
});
