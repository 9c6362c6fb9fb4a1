import { describe, expect, it } from '@jest/globals';
import { createPendingConsentRequests } from './pending-consent-requests.js';

describe('pending CIBA consent requests', () => {
  const request = (id: string, accountId: string, expiresAt: number) => ({
    id,
    accountId,
    clientId: 'switchboard',
    purpose: 'dpv:FraudPreventionAndDetection',
    apiScopes: ['check-sim-swap'],
    expiresAt,
  });

  it('lists and hands out a request only to its subscriber, once', () => {
    const pending = createPendingConsentRequests(() => 0);
    pending.add(request('r1', 'sub-a', 1_000));
    pending.add(request('r2', 'sub-b', 1_000));
    expect(pending.listFor('sub-a').map((r) => r.id)).toEqual(['r1']);
    expect(pending.take('sub-b', 'r1')).toBeUndefined();
    expect(pending.take('sub-a', 'r1')?.id).toBe('r1');
    expect(pending.take('sub-a', 'r1')).toBeUndefined();
  });

  it('forgets requests once they expire', () => {
    let now = 0;
    const pending = createPendingConsentRequests(() => now);
    pending.add(request('r1', 'sub-a', 1_000));
    now = 1_000;
    expect(pending.listFor('sub-a')).toEqual([]);
    expect(pending.take('sub-a', 'r1')).toBeUndefined();
  });
});
