import type { Knex } from 'knex';
import type { MasterKeyRotationReport, SealedColumnReport } from '@switchboard/contracts';
import { operatorCredentialsContext } from '@switchboard/telco-finder';
import type { SecretBox } from '@switchboard/tokens';
import { resealBatch, type SealedColumn } from './store/sealed-value-store.js';
import { clientSecretContext } from '../clients/client-service.js';
import { aggregatorKeyContext } from './key-service.js';
import { operatorTokenContext } from '../authorize/operator-grants.js';
import { openId4VpKeyContext } from '../openid4vp/openid4vp-keys.js';
import { ephemeralKeyContext } from '../openid4vp/credential-request.js';

/** Every value sealed with the master key (docs/security.md lists the same table). */
export const SEALED_COLUMNS: ReadonlyArray<
  SealedColumn & { context(key: string, contextValue?: string): string }
> = [
  {
    table: 'operators',
    key: 'id',
    column: 'client_credentials_enc',
    context: operatorCredentialsContext,
  },
  { table: 'clients', key: 'id', column: 'secret_enc', context: clientSecretContext },
  { table: 'aggregator_keys', key: 'kid', column: 'material_enc', context: aggregatorKeyContext },
  {
    table: 'operator_grants',
    key: 'grant_id',
    column: 'access_token_enc',
    context: operatorTokenContext,
  },
  { table: 'openid4vp_keys', key: 'kid', column: 'private_key_enc', context: openId4VpKeyContext },
  {
    table: 'openid4vp_requests',
    key: 'id',
    column: 'ephemeral_key_enc',
    contextColumn: 'client_id',
    context: (id, clientId) => ephemeralKeyContext(id, clientId ?? ''),
  },
];

export interface MasterKeyRotation {
  rotate(options?: { batchSize?: number }): Promise<MasterKeyRotationReport>;
}

const DEFAULT_BATCH = 100;

/**
 * `switchboard keys rotate-master`: re-seals every value under the newest master key, table
 * by table, in small transactions, so traffic keeps flowing (readers open old and new
 * envelopes alike while both keys are configured). Idempotent: current values are skipped.
 */
export function createMasterKeyRotation(deps: {
  knex: Knex;
  secretBox: SecretBox;
}): MasterKeyRotation {
  return {
    async rotate(options = {}) {
      const batchSize = options.batchSize ?? DEFAULT_BATCH;
      const columns: SealedColumnReport[] = [];
      for (const spec of SEALED_COLUMNS) {
        const report = { table: spec.table, column: spec.column, scanned: 0, resealed: 0 };
        const failed: string[] = [];
        let after: string | undefined;
        do {
          const batch = await resealBatch(
            deps.knex,
            spec,
            after,
            batchSize,
            (key, sealed, contextValue) =>
              deps.secretBox.reseal(sealed, spec.context(key, contextValue)),
          );
          report.scanned += batch.scanned;
          report.resealed += batch.resealed;
          failed.push(...batch.failed);
          after = batch.last;
        } while (after !== undefined);
        columns.push({ ...report, failed });
      }
      return { masterKeyId: deps.secretBox.currentKeyId, columns };
    },
  };
}
