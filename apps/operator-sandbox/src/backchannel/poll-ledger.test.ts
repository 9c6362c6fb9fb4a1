import { describe, expect, it } from '@jest/globals';
import { createPollLedger } from './poll-ledger.js';

describe('CIBA poll ledger', () => {
  it('answers slow_down to a poll within the interval, ok after it, expired after the TTL', () => {
    let now = 1_000_000;
    const ledger = createPollLedger(5, () => now);
    ledger.open('r1', 'c', now + 60_000);
    expect(ledger.poll('r1', 'c')).toBe('ok');
    now += 4_999;
    expect(ledger.poll('r1', 'c')).toBe('slow_down');
    now += 10_000; // the interval plus the 5 s slow_down adds
    expect(ledger.poll('r1', 'c')).toBe('ok');
    now += 60_000;
    expect(ledger.poll('r1', 'c')).toBe('expired');
  });

  it('adds 5 s to the interval after each slow_down', () => {
    let now = 0;
    const ledger = createPollLedger(1, () => now);
    ledger.open('r1', 'c', 600_000);
    expect(ledger.poll('r1', 'c')).toBe('ok');
    now += 500;
    expect(ledger.poll('r1', 'c')).toBe('slow_down');
    now += 1_000;
    expect(ledger.poll('r1', 'c')).toBe('slow_down'); // now 11 s are owed
    now += 10_999;
    expect(ledger.poll('r1', 'c')).toBe('slow_down');
    now += 16_000;
    expect(ledger.poll('r1', 'c')).toBe('ok');
  });

  it('knows nothing of unknown requests or of another client’s', () => {
    const ledger = createPollLedger(5, () => 0);
    ledger.open('r1', 'c', 60_000);
    expect(ledger.poll('r2', 'c')).toBe('unknown');
    expect(ledger.poll('r1', 'other')).toBe('unknown');
  });
});
