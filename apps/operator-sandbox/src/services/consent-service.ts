import type { Clock } from '../clock.js';
import type { LawfulBasis } from '../config.js';
import type { ConsentRecord, SandboxStateStore } from '../store/sandbox-state-store.js';

export type ConsentState = 'not-required' | 'given' | 'missing';

/**
 * The operator's consent master (seed Annex steps 8–12): whether a purpose needs the
 * subscriber's consent, and the decisions subscribers made.
 */
export interface ConsentService {
  state(accountId: string, clientId: string, purpose: string, basis: LawfulBasis): ConsentState;
  give(accountId: string, clientId: string, purpose: string): Promise<void>;
  /** Records a grant issued under an existing consent so revocation can end it. */
  attachGrant(accountId: string, clientId: string, purpose: string, grantId: string): Promise<void>;
  list(accountId: string): ConsentRecord[];
  /** Removes a consent; returns the grant ids issued under it (undefined when none existed). */
  revoke(
    accountId: string,
    clientId: string,
    purpose: string,
  ): Promise<ReadonlyArray<string> | undefined>;
}

export interface ConsentServiceDeps {
  readonly store: Pick<
    SandboxStateStore,
    'findConsent' | 'listConsents' | 'putConsent' | 'removeConsent'
  >;
  readonly clock: Clock;
}

export function createConsentService({ store, clock }: ConsentServiceDeps): ConsentService {
  return {
    state(accountId, clientId, purpose, basis) {
      // Legitimate interest and contract need no consent (seed Annex scenario 1).
      if (basis !== 'consent') return 'not-required';
      return store.findConsent(accountId, clientId, purpose) ? 'given' : 'missing';
    },
    async give(accountId, clientId, purpose) {
      const existing = store.findConsent(accountId, clientId, purpose);
      const grantedAt = new Date(clock.now()).toISOString();
      await store.putConsent({
        accountId,
        clientId,
        purpose,
        grantedAt,
        grantIds: existing?.grantIds ?? [],
      });
    },
    async attachGrant(accountId, clientId, purpose, grantId) {
      const existing = store.findConsent(accountId, clientId, purpose);
      if (!existing || existing.grantIds.includes(grantId)) return;
      await store.putConsent({ ...existing, grantIds: [...existing.grantIds, grantId] });
    },
    list: (accountId) => store.listConsents(accountId),
    async revoke(accountId, clientId, purpose) {
      return (await store.removeConsent(accountId, clientId, purpose))?.grantIds;
    },
  };
}
