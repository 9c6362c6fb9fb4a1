/**
 * CIBA requests waiting for the subscriber's consent (CAMARA ICM "Client-Initiated
 * Backchannel Authentication Flow", poll mode): the subscriber answers on the operator's
 * consents page, opened from the line's own device. Memory only: a restart ends them,
 * as it ends every other oidc-provider artifact of the sandbox.
 */
export interface PendingConsentRequest {
  /** The CIBA `auth_req_id`. */
  readonly id: string;
  readonly accountId: string;
  readonly clientId: string;
  readonly purpose: string;
  readonly apiScopes: ReadonlyArray<string>;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

export interface PendingConsentRequests {
  add(request: PendingConsentRequest): void;
  /** The subscriber's unexpired requests, oldest first. */
  listFor(accountId: string): PendingConsentRequest[];
  /** Removes and returns the subscriber's request `id`, if it is still open. */
  take(accountId: string, id: string): PendingConsentRequest | undefined;
}

/** The subscriber's answer to a pending request, given on the consents page. */
export interface BackchannelDecisions {
  pendingFor(accountId: string): PendingConsentRequest[];
  /** False when there is no such open request for this subscriber (expired, answered…). */
  decide(accountId: string, id: string, decision: 'approve' | 'deny'): Promise<boolean>;
}

export function createPendingConsentRequests(now: () => number = Date.now): PendingConsentRequests {
  const requests = new Map<string, PendingConsentRequest>();
  const sweep = () => {
    for (const [id, r] of requests) if (r.expiresAt <= now()) requests.delete(id);
  };
  return {
    add(request) {
      sweep();
      requests.set(request.id, request);
    },
    listFor(accountId) {
      sweep();
      return [...requests.values()].filter((r) => r.accountId === accountId);
    },
    take(accountId, id) {
      sweep();
      const request = requests.get(id);
      if (request?.accountId !== accountId) return undefined;
      requests.delete(id);
      return request;
    },
  };
}
