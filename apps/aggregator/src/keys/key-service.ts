import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { KeyUse, KeyView } from '@switchboard/contracts';
import { isDatabaseUnavailable } from '@switchboard/db';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { ConflictError, NotFoundError } from '@switchboard/telco-finder';
import {
  createTokenKeyring,
  generateTokenKey,
  type SecretBox,
  type TokenKeyring,
} from '@switchboard/tokens';
import {
  insertKeyRow,
  listKeyRows,
  retireKeyRow,
  withKeyLock,
  type KeyRow,
} from './store/key-store.js';

/** The provider's own secrets, opened once at boot (they do not rotate at runtime). */
export interface ProviderSecrets {
  readonly signingJwk: Record<string, unknown>;
  readonly cookieKeys: string[];
  readonly pairwiseSecret: Buffer;
}

export interface KeyService {
  /** Creates any missing key (first boot); safe with several processes on one database. */
  bootstrap(): Promise<ProviderSecrets>;
  /** Active AggregatorAccessToken keys, newest first; re-read when `kid` is not known yet. */
  tokenKeyring(kid?: string): Promise<TokenKeyring>;
  /**
   * What `tokenKeyring(kid)` would answer at once from this process's cache (fresh, and
   * knowing `kid`), without a promise; undefined when it would load the keys.
   */
  cachedTokenKeyring(kid?: string): TokenKeyring | undefined;
  rotate(): Promise<KeyView>;
  /**
   * Stops accepting tokens encrypted under `kid`. Refused while such tokens may still be in use
   * (the current key, or one replaced less than the token lifetime ago) unless `force`.
   */
  retire(kid: string, options?: { force?: boolean }): Promise<KeyView>;
  list(): Promise<KeyView[]>;
}

const CACHE_MS = 10_000;
/** Minimum spacing of reloads caused by a token naming a kid this process does not know. */
const UNKNOWN_KID_RELOAD_MS = 250;

/** The secret-box context (AAD) of the aggregator's own key material. */
export const aggregatorKeyContext = (kid: string) => `aggregator-key:${kid}`;

export function createKeyService(deps: {
  knex: Knex;
  secretBox: SecretBox;
  /** ACCESS_TOKEN_MAX_TTL: how long a token encrypted with a replaced key may still be presented. */
  tokenLifetimeSeconds?: number;
  clock?: () => number;
}): KeyService {
  const { knex, secretBox } = deps;
  const now = deps.clock ?? Date.now;
  const context = aggregatorKeyContext;
  const seal = (kid: string, material: string) => secretBox.seal(material, context(kid));
  const open = (row: KeyRow) => secretBox.open(row.material_enc, context(row.kid));
  let cached: { ring: TokenKeyring; until: number } | undefined;

  async function loadRing(): Promise<TokenKeyring> {
    const rows = await listKeyRows(knex, 'token-encryption', 'active');
    const ring = createTokenKeyring(
      rows.map((r) => ({ kid: r.kid, secret: Buffer.from(open(r), 'base64url') })),
    );
    cached = { ring, until: now() + CACHE_MS };
    return ring;
  }

  // One load at a time, shared by every caller. A `kid` this process does not know yet
  // (rotated by another process) reloads too, but at most every `spacing` ms: a flood of
  // tokens naming made-up kids waits for the next load instead of each costing a query.
  let loading: Promise<TokenKeyring> | undefined;
  let lastLoad = -Infinity;
  function reload(spacing: number): Promise<TokenKeyring> {
    loading ??= (async () => {
      const wait = lastLoad + spacing - now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        return await loadRing();
      } finally {
        lastLoad = now();
        loading = undefined;
      }
    })();
    return loading;
  }

  async function insertTokenKey(db: Knex): Promise<string> {
    const key = generateTokenKey();
    const material = Buffer.from(key.secret).toString('base64url');
    await insertKeyRow(db, {
      kid: key.kid,
      use: 'token-encryption',
      material_enc: seal(key.kid, material),
    });
    return key.kid;
  }

  return {
    async bootstrap() {
      const rows = await withKeyLock(knex, async (trx) => {
        const have = new Set((await listKeyRows(trx, undefined, 'active')).map((r) => r.use));
        if (!have.has('token-encryption')) await insertTokenKey(trx);
        for (const use of ['id-token-signing', 'cookie', 'pairwise'] as const) {
          if (have.has(use)) continue;
          const { kid, material } = await newProviderKey(use);
          await insertKeyRow(trx, { kid, use, material_enc: seal(kid, material) });
        }
        return listKeyRows(trx, undefined, 'active');
      });
      const first = (use: KeyUse) => rows.find((r) => r.use === use)!;
      return {
        signingJwk: JSON.parse(open(first('id-token-signing'))) as Record<string, unknown>,
        cookieKeys: rows.filter((r) => r.use === 'cookie').map(open),
        pairwiseSecret: Buffer.from(open(first('pairwise')), 'base64url'),
      };
    },
    cachedTokenKeyring(kid) {
      if (!cached || cached.until <= now()) return undefined;
      return !kid || cached.ring.find(kid) ? cached.ring : undefined;
    },
    async tokenKeyring(kid) {
      const fresh = cached && cached.until > now();
      if (cached && fresh && (!kid || cached.ring.find(kid))) return cached.ring;
      try {
        return await reload(fresh ? UNKNOWN_KID_RELOAD_MS : 0);
      } catch (err) {
        // Issued tokens keep working while the database is down: the keys cannot have
        // changed meanwhile, since rotating them needs the database too.
        if (cached && isDatabaseUnavailable(err)) return cached.ring;
        throw err;
      }
    },
    async rotate() {
      const kid = await insertTokenKey(knex);
      cached = undefined;
      return mustFind(await listKeyRows(knex), kid);
    },
    async retire(kid, options = {}) {
      const rows = await listKeyRows(knex);
      const row = rows.find((r) => r.kid === kid && r.status === 'active');
      if (!row) throw new NotFoundError(`no active key '${kid}'`);
      if (row.use !== 'token-encryption')
        throw new ConflictError(
          'incompatible-state',
          `key '${kid}' is the provider's ${row.use} key, not a token key`,
        );
      const tokenKeys = rows.filter((r) => r.use === 'token-encryption');
      if (tokenKeys.filter((r) => r.status === 'active').length === 1)
        throw new ConflictError(
          'incompatible-state',
          `key '${kid}' is the only token key: rotate first`,
        );
      if (!options.force) refuseWhileInUse(row, tokenKeys);
      await retireKeyRow(knex, kid);
      cached = undefined;
      return mustFind(await listKeyRows(knex), kid);
    },
    list: async () => (await listKeyRows(knex)).map(toView),
  };

  /**
   * New tokens are encrypted with the newest active key, as each process last read it (cached up
   * to CACHE_MS); a token lives at most `tokenLifetimeSeconds`. So a key stays in use until that
   * long after the next key was created.
   */
  function refuseWhileInUse(row: KeyRow, tokenKeys: KeyRow[]): void {
    const created = (r: KeyRow) => new Date(r.created_at).getTime();
    const newer = tokenKeys.slice(
      0,
      tokenKeys.findIndex((r) => r.kid === row.kid),
    );
    const replacedAt = Math.min(...newer.map(created));
    const lifetimeMs = (deps.tokenLifetimeSeconds ?? 300) * 1000 + CACHE_MS;
    if (!Number.isFinite(replacedAt)) {
      throw new ConflictError(
        'incompatible-state',
        `key '${row.kid}' is the current token key: new tokens are encrypted with it; rotate first and retire it once they expired, or force it (force: true; CLI: --force)`,
      );
    }
    const left = Math.ceil((replacedAt + lifetimeMs - now()) / 1000);
    if (left > 0) {
      throw new ConflictError(
        'incompatible-state',
        `key '${row.kid}' was replaced ${Math.floor((now() - replacedAt) / 1000)} s ago and tokens encrypted with it may still be in use for ${left} s (the token lifetime, ACCESS_TOKEN_MAX_TTL, plus ${CACHE_MS / 1000} s of key caching): retire it then, or force it (force: true; CLI: --force) to cut them off now`,
      );
    }
  }
}

async function newProviderKey(use: KeyUse): Promise<{ kid: string; material: string }> {
  if (use !== 'id-token-signing') {
    return {
      kid: `${use}-${randomBytes(6).toString('base64url')}`,
      material: randomBytes(32).toString('base64url'),
    };
  }
  // ES256: about 14× cheaper to sign than RS256 as measured when the key type was chosen, and
  // every authorization signs an ID token.
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, material: JSON.stringify({ ...jwk, kid, alg: 'ES256', use: 'sig' }) };
}

function mustFind(rows: KeyRow[], kid: string): KeyView {
  const row = rows.find((r) => r.kid === kid);
  if (!row) throw new NotFoundError(`no key '${kid}'`);
  return toView(row);
}

function toView(row: KeyRow): KeyView {
  return {
    kid: row.kid,
    use: row.use,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    retiredAt: row.retired_at ? new Date(row.retired_at).toISOString() : null,
  };
}
