import { createHash } from 'node:crypto';
import { isDatabaseUnavailable } from '@switchboard/db';
import type { OperatorGrantRow } from '../store/operator-grant-store.js';
import type { GrantRecord, OidcModelRecord, OidcModelStore } from '../store/oidc-model-store.js';

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
  /** A Grant was found with its operator grant (one query at the token endpoint). */
  readonly grantLoaded?: (grantId: string, operatorGrant: OperatorGrantRow) => void;
}

/**
 * Models kept nowhere. Every authorization goes through the operator (aggregator-policy.ts)
 * and names its grant in the interaction result, tokens never expire with the session, and
 * logout is off: a session is never read again, so storing it was three round trips per flow
 * for nothing. With no account in the session, oidc-provider binds nothing to it either.
 */
const UNSTORED_MODELS = new Set(['Session']);

/** Interactions finished here and deleted as they were read (resume), so not deleted again. */
const CLAIMED_MAX = 1_000;
/**
 * Grants read with their code at the token endpoint, which asks for the Grant right after:
 * taken by that find, within the same request (older entries are read again).
 */
const READ_AHEAD_MS = 10_000;

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

  const claimed = new Set<string>();
  const readAhead = new Map<string, { grant: GrantRecord; at: number }>();
  const loaded = (id: string, grant: GrantRecord) => {
    if (grant.operatorGrant) deps.grantLoaded?.(id, grant.operatorGrant);
    return grant;
  };
  const find = (model: string, id: string): Promise<OidcModelRecord | undefined> => {
    // Codes are single use: found and consumed at once at the token endpoint, their only use,
    // which reads the code's Grant next.
    if (model === 'AuthorizationCode')
      return store.findCode(id).then((code) => {
        if (code?.grant) {
          if (readAhead.size >= CLAIMED_MAX) readAhead.clear();
          readAhead.set(code.grant.id, { grant: code.grant, at: Date.now() });
        }
        return code;
      });
    if (model === 'Interaction')
      return store.findInteraction(id).then((found) => {
        if (found?.claimed) {
          if (claimed.size >= CLAIMED_MAX) claimed.clear();
          claimed.add(id);
        }
        return found;
      });
    if (model === 'Grant') {
      const ahead = readAhead.get(id);
      readAhead.delete(id);
      if (ahead && Date.now() - ahead.at < READ_AHEAD_MS)
        return Promise.resolve(loaded(id, ahead.grant));
      return store.findGrant(id).then((found) => found && loaded(id, found));
    }
    return store.find(model, { id });
  };

  return class PostgresOidcAdapter implements OidcAdapter {
    private readonly hashed: boolean;
    private readonly unstored: boolean;
    constructor(private readonly model: string) {
      this.hashed = HASHED_ID_MODELS.has(model);
      this.unstored = UNSTORED_MODELS.has(model);
    }

    private key(id: string): string {
      return this.hashed ? sha256(id) : id;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number) {
      if (this.model === 'Client' || this.unstored) return;
      const { jti, ...rest } = payload;
      const stored = this.hashed && jti === id ? rest : payload;
      await guard(() => store.upsert(this.model, this.key(id), stored, expiresIn));
    }

    async find(id: string) {
      if (this.model === 'Client') return guard(() => deps.clientMetadata(id));
      if (this.unstored) return undefined;
      const found = withConsumed(await guard(() => find(this.model, this.key(id))));
      return found && this.hashed ? { ...found, jti: id } : found;
    }

    async findByUserCode(userCode: string) {
      return withConsumed(await guard(() => store.find(this.model, { user_code: userCode })));
    }

    async findByUid(uid: string) {
      if (this.unstored) return undefined;
      return withConsumed(await guard(() => store.find(this.model, { uid })));
    }

    async consume(id: string) {
      if (this.model === 'AuthorizationCode') return;
      return guard(() => store.consume(this.model, this.key(id)));
    }

    async destroy(id: string) {
      if (this.model === 'Grant') readAhead.delete(id);
      if (this.unstored || (this.model === 'Interaction' && claimed.delete(id))) return;
      return guard(() => store.destroy(this.model, this.key(id)));
    }

    revokeByGrantId(grantId: string) {
      readAhead.delete(grantId);
      return guard(() => store.revokeByGrantId(this.model, grantId));
    }
  };
}
