import { describe, expect, it } from '@jest/globals';
import { createSandboxStateStore } from '../store/sandbox-state-store.js';
import { createConsentService } from './consent-service.js';

const clock = { now: () => Date.parse('2026-01-02T03:04:05Z') };
const FRAUD = 'dpv:FraudPreventionAndDetection';

describe('consent service', () => {
  it('needs no consent for legitimate interest or contract', async () => {
    const consents = createConsentService({ store: await createSandboxStateStore({}), clock });
    expect(consents.state('a', 'c', FRAUD, 'legitimate-interest')).toBe('not-required');
    expect(consents.state('a', 'c', FRAUD, 'contract')).toBe('not-required');
    expect(consents.state('a', 'c', FRAUD, 'consent')).toBe('missing');
  });

  it('records consent per subscriber, client and purpose, with its grants, and revokes it', async () => {
    const consents = createConsentService({ store: await createSandboxStateStore({}), clock });
    await consents.give('a', 'c', FRAUD);
    expect(consents.state('a', 'c', FRAUD, 'consent')).toBe('given');
    expect(consents.state('a', 'other-client', FRAUD, 'consent')).toBe('missing');
    expect(consents.state('b', 'c', FRAUD, 'consent')).toBe('missing');
    await consents.attachGrant('a', 'c', FRAUD, 'g1');
    await consents.attachGrant('a', 'c', FRAUD, 'g1');
    await consents.attachGrant('a', 'c', FRAUD, 'g2');
    await consents.attachGrant('b', 'c', FRAUD, 'ignored');
    expect(consents.list('a')).toEqual([
      {
        accountId: 'a',
        clientId: 'c',
        purpose: FRAUD,
        grantedAt: '2026-01-02T03:04:05.000Z',
        grantIds: ['g1', 'g2'],
      },
    ]);
    expect(await consents.revoke('a', 'c', FRAUD)).toEqual(['g1', 'g2']);
    expect(await consents.revoke('a', 'c', FRAUD)).toBeUndefined();
    expect(consents.state('a', 'c', FRAUD, 'consent')).toBe('missing');
  });
});
