import type { Knex } from 'knex';
import { isStorableText } from '@switchboard/db';
import type { OperatorGrantRow } from './operator-grant-store.js';
import { runStatement } from './static-sql.js';

/** Rows of the `oidc_models` table: one per oidc-provider model instance. */
export interface OidcModelRecord {
  payload: Record<string, unknown>;
  /** Epoch seconds of consumption (codes are single use), if consumed. */
  consumedAt: number | undefined;
}

/** A Grant found together with the operator grant stored under its id (token endpoint). */
export interface GrantRecord extends OidcModelRecord {
  operatorGrant: OperatorGrantRow | undefined;
}

/**
 * The pools flow state goes through: `knex` for reads, `ephemeral` for writes of flow state
 * that may be lost on a server crash (ADR 0005: synchronous_commit off), which is the same
 * pool on PGlite.
 */
export interface FlowStatePools {
  readonly knex: Knex;
  readonly ephemeral: Knex;
}

// Static SQL (no query builder per call): these run several times in every flow.
const LIVE = '(expires_at IS NULL OR expires_at > now())';
const UPSERT = `
  INSERT INTO oidc_models (model, id, payload, grant_id, user_code, uid, expires_at)
  VALUES (?, ?, ?::jsonb, ?, ?, ?, ?)
  ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
    user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`;
const FIND = {
  id: `SELECT payload, consumed_at FROM oidc_models WHERE model = ? AND id = ? AND ${LIVE} LIMIT 1`,
  uid: `SELECT payload, consumed_at FROM oidc_models WHERE model = ? AND uid = ? AND ${LIVE} LIMIT 1`,
  user_code: `SELECT payload, consumed_at FROM oidc_models
    WHERE model = ? AND user_code = ? AND ${LIVE} LIMIT 1`,
};
/**
 * An authorization code, marked consumed as it is read (with the time of any earlier use), and
 * the Grant it names with that grant's operator grant: the token endpoint's reads in one trip.
 */
const FIND_CODE = `
  WITH before AS (
    SELECT consumed_at FROM oidc_models
    WHERE model = 'AuthorizationCode' AND id = ? AND ${LIVE} FOR UPDATE
  ), code AS (
    UPDATE oidc_models m SET consumed_at = COALESCE(m.consumed_at, now()) FROM before
    WHERE m.model = 'AuthorizationCode' AND m.id = ?
    RETURNING m.payload, before.consumed_at, m.grant_id
  )
  SELECT code.payload, code.consumed_at, g.id AS grant_id, g.payload AS grant_payload,
    to_jsonb(o) AS operator_grant
  FROM code
  LEFT JOIN oidc_models g ON g.model = 'Grant' AND g.id = code.grant_id
    AND (g.expires_at IS NULL OR g.expires_at > now())
  LEFT JOIN operator_grants o ON o.grant_id = g.id`;
/** A finished interaction (one with a result) is deleted as it is read: resume is its last use. */
const FIND_INTERACTION = `
  WITH finished AS (
    DELETE FROM oidc_models WHERE model = 'Interaction' AND id = ?
      AND payload -> 'result' IS NOT NULL AND ${LIVE}
    RETURNING payload, consumed_at, true AS claimed
  )
  SELECT payload, consumed_at, claimed FROM finished
  UNION ALL
  SELECT payload, consumed_at, false FROM oidc_models WHERE model = 'Interaction' AND id = ?
    AND payload -> 'result' IS NULL AND ${LIVE}`;
const FIND_GRANT = `
  SELECT m.payload, m.consumed_at, to_jsonb(g) AS operator_grant
  FROM oidc_models m LEFT JOIN operator_grants g ON g.grant_id = m.id
  WHERE m.model = 'Grant' AND m.id = ? AND (m.expires_at IS NULL OR m.expires_at > now())`;
/** Inserts a replay-detection row unless a live one exists (an expired one is replaced). */
const SPEND_ONCE = `
  INSERT INTO oidc_models (model, id, payload, expires_at) VALUES (?, ?, ?::jsonb, ?)
  ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at
    WHERE oidc_models.expires_at <= now()
  RETURNING id`;
/** An interaction's outcome, written without reading the interaction first. */
const SET_RESULT = `
  UPDATE oidc_models SET payload = jsonb_set(payload, '{result}', ?::jsonb)
  WHERE model = 'Interaction' AND id = ? AND ${LIVE}
  RETURNING payload ->> 'returnTo' AS return_to`;
/**
 * The operator leg's outcome in one round trip (seed Annex step 15): the aggregator Grant,
 * the sealed operator token under the grant's id, and the interaction's result.
 */
const COMPLETE_LEG = `
  WITH grant_row AS (
    INSERT INTO oidc_models (model, id, payload, expires_at) VALUES ('Grant', ?, ?::jsonb, ?)
  ), operator_grant AS (
    INSERT INTO operator_grants
      (grant_id, client_id, operator_id, api_root, scope, access_token_enc, expires_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
  )
  ${SET_RESULT}`;

type Row = { payload: Record<string, unknown>; consumed_at: Date | string | null };
type Where = { id: string } | { uid: string } | { user_code: string };

const expiry = (seconds: number | undefined) =>
  seconds ? new Date(Date.now() + seconds * 1000) : null;
const record = (row: Row | undefined): OidcModelRecord | undefined =>
  row && {
    payload: row.payload,
    consumedAt: row.consumed_at
      ? Math.floor(new Date(row.consumed_at).getTime() / 1000)
      : undefined,
  };

export async function upsertOidcModel(
  knex: Knex,
  model: string,
  id: string,
  payload: Record<string, unknown>,
  expiresInSeconds: number | undefined,
): Promise<void> {
  const text = (key: string) => (typeof payload[key] === 'string' ? payload[key] : null);
  await runStatement(knex, UPSERT, [
    model,
    id,
    JSON.stringify(payload),
    text('grantId'),
    text('userCode'),
    text('uid'),
    expiry(expiresInSeconds),
  ]);
}

export async function findOidcModel(
  knex: Knex,
  model: string,
  where: Where,
): Promise<OidcModelRecord | undefined> {
  const [key, value] = Object.entries(where)[0] as [keyof typeof FIND, string];
  if (!isStorableText(value)) return undefined;
  return record((await runStatement<Row>(knex, FIND[key], [model, value]))[0]);
}

/** A code found by the token endpoint, with the grant it names (when that still lives). */
export interface CodeRecord extends OidcModelRecord {
  grant: (GrantRecord & { id: string }) | undefined;
}

/** Single use in one round trip: found and marked consumed; `consumedAt` is the earlier use. */
export async function findCode(knex: Knex, id: string): Promise<CodeRecord | undefined> {
  if (!isStorableText(id)) return undefined;
  type CodeRow = Row & {
    grant_id: string | null;
    grant_payload: Record<string, unknown> | null;
    operator_grant: OperatorGrantRow | null;
  };
  const row = (await runStatement<CodeRow>(knex, FIND_CODE, [id, id]))[0];
  if (!row) return undefined;
  const grant =
    row.grant_id && row.grant_payload
      ? {
          id: row.grant_id,
          payload: row.grant_payload,
          consumedAt: undefined,
          operatorGrant: row.operator_grant ?? undefined,
        }
      : undefined;
  return { ...record(row)!, grant };
}

/** An interaction; a finished one is deleted as it is read (`claimed`). */
export async function findInteraction(
  knex: Knex,
  id: string,
): Promise<(OidcModelRecord & { claimed: boolean }) | undefined> {
  if (!isStorableText(id)) return undefined;
  const row = (await runStatement<Row & { claimed: boolean }>(knex, FIND_INTERACTION, [id, id]))[0];
  return row && { ...record(row)!, claimed: row.claimed };
}

export async function findGrant(knex: Knex, id: string): Promise<GrantRecord | undefined> {
  if (!isStorableText(id)) return undefined;
  type GrantRow = Row & { operator_grant: OperatorGrantRow | null };
  const row = (await runStatement<GrantRow>(knex, FIND_GRANT, [id]))[0];
  return row && { ...record(row)!, operatorGrant: row.operator_grant ?? undefined };
}

/** Records `id` once while it lives: false when a live row has it already (a replay). */
export async function spendOnce(
  knex: Knex,
  model: string,
  id: string,
  payload: Record<string, unknown>,
  expiresInSeconds: number,
): Promise<boolean> {
  const args = [model, id, JSON.stringify(payload), expiry(Math.max(expiresInSeconds, 1))];
  return (await runStatement(knex, SPEND_ONCE, args)).length === 1;
}

/** Sets an interaction's result; its `returnTo`, or undefined when it has expired. */
export async function setInteractionResult(
  knex: Knex,
  uid: string,
  result: Record<string, unknown>,
): Promise<string | undefined> {
  const found = await runStatement<{ return_to: string }>(knex, SET_RESULT, [
    JSON.stringify(result),
    uid,
  ]);
  return found[0]?.return_to;
}

/** What the operator leg leaves behind when it succeeds; see COMPLETE_LEG. */
export interface CompletedLeg {
  readonly grant: { id: string; payload: Record<string, unknown>; expiresAt: Date };
  readonly operatorGrant: OperatorGrantRow;
  readonly interactionUid: string;
  readonly result: Record<string, unknown>;
}

export async function completeOperatorLeg(
  knex: Knex,
  leg: CompletedLeg,
): Promise<string | undefined> {
  const g = leg.operatorGrant;
  const found = await runStatement<{ return_to: string }>(knex, COMPLETE_LEG, [
    leg.grant.id,
    JSON.stringify(leg.grant.payload),
    leg.grant.expiresAt,
    g.grant_id,
    g.client_id,
    g.operator_id,
    g.api_root,
    g.scope,
    g.access_token_enc,
    g.expires_at,
    JSON.stringify(leg.result),
    leg.interactionUid,
  ]);
  return found[0]?.return_to;
}

export async function consumeOidcModel(knex: Knex, model: string, id: string): Promise<void> {
  await knex.raw('UPDATE oidc_models SET consumed_at = now() WHERE model = ? AND id = ?', [
    model,
    id,
  ]);
}

export async function destroyOidcModel(knex: Knex, model: string, id: string): Promise<void> {
  await knex.raw('DELETE FROM oidc_models WHERE model = ? AND id = ?', [model, id]);
}

export async function revokeOidcModelsByGrant(
  knex: Knex,
  model: string,
  grantId: string,
): Promise<void> {
  await knex.raw('DELETE FROM oidc_models WHERE model = ? AND grant_id = ?', [model, grantId]);
}

/** Expiry cleanup for every short-lived table of the aggregator core. */
export async function deleteExpiredFlowState(knex: Knex): Promise<void> {
  for (const table of [
    'oidc_models',
    'operator_flows',
    'operator_grants',
    'access_token_uses',
    'backchannel_requests',
    'assertion_uses',
    'openid4vp_requests',
  ])
    await knex(table).where('expires_at', '<=', knex.fn.now()).delete();
}

/** The port the oidc adapter and the interaction gateway use, so nothing outside store/ needs knex. */
export interface OidcModelStore {
  upsert(model: string, id: string, payload: Record<string, unknown>, ttl?: number): Promise<void>;
  find(model: string, where: Where): Promise<OidcModelRecord | undefined>;
  findCode(id: string): Promise<CodeRecord | undefined>;
  findInteraction(id: string): Promise<(OidcModelRecord & { claimed: boolean }) | undefined>;
  findGrant(id: string): Promise<GrantRecord | undefined>;
  spendOnce(
    model: string,
    id: string,
    payload: Record<string, unknown>,
    ttl: number,
  ): Promise<boolean>;
  setInteractionResult(uid: string, result: Record<string, unknown>): Promise<string | undefined>;
  completeOperatorLeg(leg: CompletedLeg): Promise<string | undefined>;
  consume(model: string, id: string): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(model: string, grantId: string): Promise<void>;
}

/** A Knex, or the read and ephemeral-write pools of flow state. */
export function createOidcModelStore(pools: Knex | FlowStatePools): OidcModelStore {
  const { knex, ephemeral: w } = 'ephemeral' in pools ? pools : { knex: pools, ephemeral: pools };
  return {
    upsert: (model, id, payload, ttl) => upsertOidcModel(w, model, id, payload, ttl),
    find: (model, where) => findOidcModel(knex, model, where),
    findCode: (id) => findCode(w, id),
    findInteraction: (id) => findInteraction(w, id),
    findGrant: (id) => findGrant(knex, id),
    spendOnce: (model, id, payload, ttl) => spendOnce(w, model, id, payload, ttl),
    setInteractionResult: (uid, result) => setInteractionResult(w, uid, result),
    completeOperatorLeg: (leg) => completeOperatorLeg(w, leg),
    consume: (model, id) => consumeOidcModel(w, model, id),
    destroy: (model, id) => destroyOidcModel(w, model, id),
    revokeByGrantId: (model, grantId) => revokeOidcModelsByGrant(w, model, grantId),
  };
}
