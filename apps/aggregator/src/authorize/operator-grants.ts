import type { Knex } from 'knex';
import type { SecretBox } from '@switchboard/tokens';
import {
  deleteOperatorGrant,
  getOperatorGrant,
  insertOperatorGrant,
  type OperatorGrantRow,
} from './store/operator-grant-store.js';

/** The OperatorAccessToken and routing obtained for one aggregator grant (Annex step 15). */
export interface OperatorGrant {
  grantId: string;
  clientId: string;
  operatorId: string;
  apiRoot: string;
  scope: string;
  operatorAccessToken: string;
  expiresAt: Date;
}

export interface OperatorGrants {
  save(grant: OperatorGrant): Promise<void>;
  /** The row `save` would write, for a caller that writes it with other rows at once. */
  seal(grant: OperatorGrant): OperatorGrantRow;
  find(grantId: string): Promise<OperatorGrant | undefined>;
  /**
   * A row read with its aggregator Grant a moment ago, in this process (the token endpoint
   * reads both in one query): the next `find` of that grant takes it instead of reading again.
   */
  preload(grantId: string, row: OperatorGrantRow): void;
  remove(grantId: string): Promise<void>;
}

/** Preloaded rows are taken within the same request; older ones are read again. */
const PRELOAD_MS = 10_000;
const PRELOAD_MAX = 1_000;

/** Keeps the operator token encrypted at rest, bound (AAD) to the grant it belongs to. */
/** The secret-box context (AAD) of an operator token: it opens only for its grant. */
export const operatorTokenContext = (grantId: string) => `operator-token:${grantId}`;

export function createOperatorGrants(deps: { knex: Knex; secretBox: SecretBox }): OperatorGrants {
  const context = operatorTokenContext;
  const preloaded = new Map<string, { row: OperatorGrantRow; at: number }>();
  const seal = (g: OperatorGrant): OperatorGrantRow => ({
    grant_id: g.grantId,
    client_id: g.clientId,
    operator_id: g.operatorId,
    api_root: g.apiRoot,
    scope: g.scope,
    access_token_enc: deps.secretBox.seal(g.operatorAccessToken, context(g.grantId)),
    expires_at: g.expiresAt,
  });
  const takePreloaded = (grantId: string) => {
    const hit = preloaded.get(grantId);
    preloaded.delete(grantId);
    return hit && Date.now() - hit.at < PRELOAD_MS ? hit.row : undefined;
  };
  return {
    seal,
    async save(g) {
      await insertOperatorGrant(deps.knex, seal(g));
    },
    preload(grantId, row) {
      if (preloaded.size >= PRELOAD_MAX) preloaded.clear();
      preloaded.set(grantId, { row, at: Date.now() });
    },
    async find(grantId) {
      const row = takePreloaded(grantId) ?? (await getOperatorGrant(deps.knex, grantId));
      if (!row) return undefined;
      return {
        grantId,
        clientId: row.client_id,
        operatorId: row.operator_id,
        apiRoot: row.api_root,
        scope: row.scope,
        operatorAccessToken: deps.secretBox.open(row.access_token_enc, context(grantId)),
        expiresAt: new Date(row.expires_at),
      };
    },
    remove: (grantId) => {
      preloaded.delete(grantId);
      return deleteOperatorGrant(deps.knex, grantId);
    },
  };
}
