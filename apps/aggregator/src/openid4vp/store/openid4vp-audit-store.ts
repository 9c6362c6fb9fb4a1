import type { Knex } from 'knex';
import { storableJson } from '@switchboard/db';

/** What the audit log keeps of an operator-token exchange: never an MSISDN, token or SD-JWT. */
export interface ExchangeAuditDetail {
  readonly clientId: string;
  readonly credentialId: string;
  readonly consentDataHash: string;
  readonly carrierHint: string | null;
  readonly androidCarrierHint: string | number | null;
  readonly vct: string;
  /** `success`, or the refusal's description. */
  readonly outcome: string;
}

export const EXCHANGE_AUDIT_ACTION = 'operator-token.exchange';

export async function writeExchangeAudit(
  knex: Knex,
  detail: ExchangeAuditDetail,
  operatorId: string | null,
): Promise<void> {
  await knex('audit_log').insert({
    actor: `client:${detail.clientId}`,
    action: EXCHANGE_AUDIT_ACTION,
    operator_id: operatorId,
    target: detail.credentialId,
    detail: storableJson({ ...detail }),
  });
}

export const KEY_ROTATION_AUDIT_ACTION = 'openid4vp-keys.rotate';

/** An admin rotated the OpenID4VP leaf (or root and leaf). */
export async function writeKeyRotationAudit(
  knex: Knex,
  actor: string,
  detail: { root: boolean; rootKid: string; rootFingerprint: string; leafKid: string },
): Promise<void> {
  await knex('audit_log').insert({
    actor,
    action: KEY_ROTATION_AUDIT_ACTION,
    operator_id: null,
    target: detail.leafKid,
    detail: storableJson(detail),
  });
}
