import { createHash } from 'node:crypto';
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
 * Models whose id is a bearer credential (the authorization code itself) and which are only
 * ever found by that id: stored under its SHA-256, with the `jti` copy left out of the payload
 * and restored from the id on find, so a database dump holds no usable code.
 */
const HASHED_ID_MODELS = new Set([
  'AuthorizationCode',
  'AccessToken',
  'RefreshToken',
  'ClientCredentials',
  'PushedAuthorizationRequest',
  'BackchannelAuthenticationRequest',
  'RegistrationAccessToken',
  'InitialAccessToken',
]);

const sha256 = (id: string) => createHash('sha256').update(id).digest('base64url');

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
    private readonly hashed: boolean;
    constructor(private readonly model: string) {
      this.hashed = HASHED_ID_MODELS.has(model);
    }

    private key(id: string): string {
      return this.hashed ? sha256(id) : id;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number) {
      if (this.model === 'Client') return;
      const { jti, ...rest } = payload;
      const stored = this.hashed && jti === id ? rest : payload;
      await guard(() => store.upsert(this.model, this.key(id), stored, expiresIn));
    }

    async find(id: string) {
      if (this.model === 'Client') return guard(() => deps.clientMetadata(id));
      const found = withConsumed(await guard(() => store.find(this.model, { id: this.key(id) })));
      return found && this.hashed ? { ...found, jti: id } : found;
    }

    async findByUserCode(userCode: string) {
      return withConsumed(await guard(() => store.find(this.model, { user_code: userCode })));
    }

    async findByUid(uid: string) {
      return withConsumed(await guard(() => store.find(this.model, { uid })));
    }

    consume(id: string) {
      return guard(() => store.consume(this.model, this.key(id)));
    }

    destroy(id: string) {
      return guard(() => store.destroy(this.model, this.key(id)));
    }

    revokeByGrantId(grantId: string) {
      return guard(() => store.revokeByGrantId(this.model, grantId));
    }
  };
}
