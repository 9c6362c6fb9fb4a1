import { isDatabaseUnavailable } from '@switchboard/db';
import type { OidcModelRecord, OidcModelStore } from '../store/oidc-model-store.js';

type Payload = Record<string, unknown>;

/** oidc-provider's adapter contract (one instance per model name). */
export interface OidcAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export interface AdapterDeps {
  readonly store: OidcModelStore;
  /** Registered clients come from the clients table, never from the adapter rows. */
  readonly clientMetadata: (id: string) => Promise<Payload | undefined>;
  /**
   * The error to throw when the database cannot be reached (oidc-provider's
   * `temporarily_unavailable`); any other failure stays a server error.
   */
  readonly unavailable: (cause: unknown) => Error;
}

/**
 * Persists every oidc-provider model (sessions, interactions, codes, grants, replay
 * detection…) in PostgreSQL so any aggregator process can serve any step of a flow.
 */
export function createAdapterClass(deps: AdapterDeps): new (model: string) => OidcAdapter {
  const { store } = deps;
  const withConsumed = (r: OidcModelRecord | undefined) =>
    r && (r.consumedAt ? { ...r.payload, consumed: r.consumedAt } : r.payload);
  // RFC 6749 §4.1.2.1: an outage is `temporarily_unavailable`, which apps may retry.
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw isDatabaseUnavailable(err) ? deps.unavailable(err) : err;
    }
  };

  return class PostgresOidcAdapter implements OidcAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number) {
      if (this.model === 'Client') return;
      await guard(() => store.upsert(this.model, id, payload, expiresIn));
    }

    async find(id: string) {
      if (this.model === 'Client') return guard(() => deps.clientMetadata(id));
      return withConsumed(await guard(() => store.find(this.model, { id })));
    }

    async findByUserCode(userCode: string) {
      return withConsumed(await guard(() => store.find(this.model, { user_code: userCode })));
    }

    async findByUid(uid: string) {
      return withConsumed(await guard(() => store.find(this.model, { uid })));
    }

    consume(id: string) {
      return guard(() => store.consume(this.model, id));
    }

    destroy(id: string) {
      return guard(() => store.destroy(this.model, id));
    }

    revokeByGrantId(grantId: string) {
      return guard(() => store.revokeByGrantId(this.model, grantId));
    }
  };
}
