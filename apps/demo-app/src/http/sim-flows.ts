import { randomBytes } from 'node:crypto';

/**
 * One "Verify with your SIM" under way, kept on the server: the credential (its
 * credential_authorization_jwt with the x5c chain is too large for the session cookie) and the
 * nonce the app generated for it (guide, Step 1.2: "Single-use. The Application keeps it").
 */
export interface SimFlow<Credential = unknown> {
  readonly credential: Credential;
  readonly nonce: string;
  /** The scope asked at /openid4vp/credentials; the exchange's assertion carries it again. */
  readonly scope: string;
  /** The number the user typed (→ NV verify), or undefined (→ NV device-phone-number). */
  readonly phoneNumber: string | undefined;
  /** What the OS consent sheet shows (the handset's review of the credential). */
  readonly consent: {
    readonly consentText: string;
    readonly policyLink: string | undefined;
    readonly policyText?: string;
  };
  /** The eligible SIMs, as the sheet offers them. */
  readonly sims: ReadonlyArray<{ slot: number; label: string; msisdn: string }>;
}

export interface SimFlowStore<Credential = unknown> {
  /** Keeps the flow until `ttlMs` from now; returns its id (for the session cookie). */
  put(flow: SimFlow<Credential>): string;
  /** The flow, still kept (the consent sheet may be reloaded). */
  peek(id: string | undefined): SimFlow<Credential> | undefined;
  /** The flow, removed: the nonce and credential serve one decision only. */
  take(id: string | undefined): SimFlow<Credential> | undefined;
  readonly size: number;
}

/** The credential_authorization_jwt lives 300 s (contract §3.2): so does the flow. */
export const SIM_FLOW_TTL_MS = 300_000;
/** A bound on memory: the oldest flows go first when a browser keeps starting new ones. */
const MAX_FLOWS = 1_000;

export function createSimFlowStore<Credential = unknown>(
  options: { now?: () => number; ttlMs?: number } = {},
): SimFlowStore<Credential> {
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? SIM_FLOW_TTL_MS;
  const flows = new Map<string, { flow: SimFlow<Credential>; expiresAt: number }>();
  const sweep = () => {
    const t = now();
    for (const [id, entry] of flows) if (entry.expiresAt <= t) flows.delete(id);
  };
  const get = (id: string | undefined) => {
    sweep();
    return id === undefined ? undefined : flows.get(id)?.flow;
  };
  return {
    put(flow) {
      sweep();
      while (flows.size >= MAX_FLOWS) flows.delete(flows.keys().next().value!);
      const id = randomBytes(18).toString('base64url');
      flows.set(id, { flow, expiresAt: now() + ttl });
      return id;
    },
    peek: get,
    take(id) {
      const flow = get(id);
      if (id !== undefined) flows.delete(id);
      return flow;
    },
    get size() {
      sweep();
      return flows.size;
    },
  };
}
