/**
 * oidc-provider storage adapter kept in this process's memory: sessions, interactions,
 * codes, grants and tokens are short-lived, so a restart simply ends open flows. (The
 * consent master and subscriber table persist separately, in the state store.)
 */
type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

export interface AdapterInstance {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export type AdapterConstructor = new (model: string) => AdapterInstance;

/**
 * One store per provider instance, so several sandboxes can share a process. `clients`
 * (the registered clients' metadata) are served as the `Client` model.
 */
export function createMemoryAdapter(
  clients: ReadonlyArray<Payload> = [],
  now: () => number = Date.now,
): AdapterConstructor {
  const store = new MemoryStore(now);
  for (const client of clients) store.set(`Client:${String(client.client_id)}`, client, undefined);
  return class extends MemoryAdapter {
    constructor(model: string) {
      super(store, model);
    }
  };
}

const SWEEP_EVERY = 200;

class MemoryStore {
  private readonly entries = new Map<string, { payload: Payload; expiresAt: number }>();
  private readonly byGrant = new Map<string, Set<string>>();
  private writes = 0;

  constructor(readonly now: () => number) {}

  get(key: string): Payload | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return entry?.payload;
  }

  set(key: string, payload: Payload, expiresIn: number | undefined): void {
    this.delete(key);
    const expiresAt = expiresIn ? this.now() + expiresIn * 1000 : Infinity;
    this.entries.set(key, { payload: { ...payload }, expiresAt });
    if (payload.grantId)
      this.byGrant.set(payload.grantId, (this.byGrant.get(payload.grantId) ?? new Set()).add(key));
    if ((this.writes += 1) % SWEEP_EVERY === 0) this.sweep();
  }

  delete(key: string): void {
    const grantId = this.entries.get(key)?.payload.grantId;
    this.entries.delete(key);
    if (grantId) this.byGrant.get(grantId)?.delete(key);
  }

  findWhere(model: string, field: 'uid' | 'userCode', value: string): Payload | undefined {
    for (const key of [...this.entries.keys()]) {
      const payload = key.startsWith(`${model}:`) ? this.get(key) : undefined;
      if (payload?.[field] === value) return payload;
    }
    return undefined;
  }

  revokeGrant(grantId: string): void {
    for (const key of this.byGrant.get(grantId) ?? []) this.entries.delete(key);
    this.byGrant.delete(grantId);
  }

  private sweep(): void {
    for (const key of [...this.entries.keys()]) this.get(key);
    for (const [grantId, keys] of this.byGrant) if (keys.size === 0) this.byGrant.delete(grantId);
  }
}

class MemoryAdapter implements AdapterInstance {
  constructor(
    private readonly store: MemoryStore,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: Payload, expiresIn?: number) {
    this.store.set(this.key(id), payload, expiresIn);
  }

  async find(id: string) {
    const payload = this.store.get(this.key(id));
    // A deep copy: callers (oidc-provider's Client) keep and may extend what they get.
    return payload ? (JSON.parse(JSON.stringify(payload)) as Payload) : undefined;
  }

  async findByUid(uid: string) {
    return copy(this.store.findWhere(this.model, 'uid', uid));
  }

  async findByUserCode(userCode: string) {
    return copy(this.store.findWhere(this.model, 'userCode', userCode));
  }

  async consume(id: string) {
    const payload = this.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(this.store.now() / 1000);
  }

  async destroy(id: string) {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string) {
    this.store.revokeGrant(grantId);
  }

  private key(id: string) {
    return `${this.model}:${id}`;
  }
}

function copy(payload: Payload | undefined): Payload | undefined {
  return payload ? { ...payload } : undefined;
}
