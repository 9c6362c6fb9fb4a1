import { describe, expect, it } from '@jest/globals';
import { ago, kycView, SIM_SWAP_HOLD_HOURS, transferDecisionView } from './anti-fraud-views.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const minutes = (n: number) => n * 60_000;

describe('the transfer decision', () => {
  it('holds a transfer when the SIM changed within the hold window, saying how long ago', () => {
    const view = transferDecisionView(
      '+346001000007',
      { latestSimChange: new Date(NOW - minutes(30)) },
      NOW,
    );
    expect(view.status).toBe('held');
    expect(view.title).toBe('Transfer held');
    expect(view.message).toMatch(/^Held: the SIM card of \+346001000007 changed 30 minutes ago\./);
  });

  it('approves when the SIM never changed, or changed before the window', () => {
    for (const latestSimChange of [null, new Date(NOW - SIM_SWAP_HOLD_HOURS * 3_600_000)]) {
      const view = transferDecisionView('+34600000001', { latestSimChange }, NOW);
      expect(view).toMatchObject({ status: 'verified', title: 'Transfer approved' });
      expect(view.message).toMatch(/^Approved: /);
    }
  });

  it('says how long ago in the largest whole unit', () => {
    expect([1, 30, 119, 120, 60 * 47, 60 * 48].map((m) => ago(minutes(m)))).toEqual([
      '1 minute',
      '30 minutes',
      '119 minutes',
      '2 hours',
      '47 hours',
      '2 days',
    ]);
  });
});

describe('the details check', () => {
  it('lists each detail sent with the operator’s answer and the similarity of a mismatch', () => {
    const view = kycView(
      { givenName: 'Ana', familyName: 'Garcia', birthdate: '1990-01-01' },
      {
        givenNameMatch: 'true',
        familyNameMatch: 'false',
        familyNameMatchScore: 91,
        birthdateMatch: 'not_available',
      },
    );
    expect(view.rows).toEqual([
      { label: 'Given name', value: 'Ana', outcome: 'match' },
      { label: 'Family name', value: 'Garcia', outcome: 'mismatch', note: '91% similar' },
      { label: 'Date of birth', value: '1990-01-01', outcome: 'not-available' },
    ]);
    expect(view).toMatchObject({ status: 'not-verified', title: 'Some details do not match' });
    expect(view.message).toBe(
      "Your mobile operator's record confirms 1 of the 3 details you gave.",
    );
  });
});
