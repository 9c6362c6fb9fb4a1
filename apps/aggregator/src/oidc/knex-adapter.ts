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
}

/**
 * Persists every oidc-provider model (sessions, interactions, codes, grants, replay
 * detection…) in PostgreSQL so any aggregator process can serve any step of a flow.
 */
export function createAdapterClass(deps: AdapterDeps): new (model: string) => OidcAdapter {
  const { store } = deps;
  const withConsumed = (r: OidcModelRecord | undefined) =>
    r && (r.consumedAt ? { ...r.payload, consumed: r.consumedAt } : r.payload);

  return class PostgresOidcAdapter implements OidcAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number) {
      if (this.model === 'Client') return;
      await store.upsert(this.model, id, payload, expiresIn);
    }

    async find(id: string) {
      if (this.model === 'Client') return deps.clientMetadata(id);
      return withConsumed(await store.find(this.model, { id }));
    }

    async findByUserCode(userCode: string) {
      return withConsumed(await store.find(this.model, { user_code: userCode }));
    }

    async findByUid(uid: string) {
      return withConsumed(await store.find(this.model, { uid }));
    }

    consume(id: string) {
      return store.consume(this.model, id);
    }

    destroy(id: string) {
      return store.destroy(this.model, id);
    }

    revokeByGrantId(grantId: string) {
      return store.revokeByGrantId(this.model, grantId);
    }
  };
}
