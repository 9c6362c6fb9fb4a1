import type { Knex } from 'knex';
import type { SecretBox } from '@switchboard/tokens';
import {
  deleteOperatorGrant,
  getOperatorGrant,
  insertOperatorGrant,
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
  find(grantId: string): Promise<OperatorGrant | undefined>;
  remove(grantId: string): Promise<void>;
}

/** Keeps the operator token encrypted at rest, bound (AAD) to the grant it belongs to. */
/** The secret-box context (AAD) of an operator token: it opens only for its grant. */
export const operatorTokenContext = (grantId: string) => `operator-token:${grantId}`;

export function createOperatorGrants(deps: { knex: Knex; secretBox: SecretBox }): OperatorGrants {
  const context = operatorTokenContext;
  return {
    async save(g) {
      await insertOperatorGrant(deps.knex, {
        grant_id: g.grantId,
        client_id: g.clientId,
        operator_id: g.operatorId,
        api_root: g.apiRoot,
        scope: g.scope,
        access_token_enc: deps.secretBox.seal(g.operatorAccessToken, context(g.grantId)),
        expires_at: g.expiresAt,
      });
    },
    async find(grantId) {
      const row = await getOperatorGrant(deps.knex, grantId);
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
    remove: (grantId) => deleteOperatorGrant(deps.knex, grantId),
  };
}
