import type { Knex } from 'knex';
import type { z } from 'zod';
import {
  OPERATOR_TOKEN_NEEDS_CARRIER_IDS,
  operatorInputSchema,
  operatorUpdateSchema,
  type Operator,
  type OperatorCredentials,
  type OperatorDetails,
  type OperatorInput,
  type OperatorStatus,
  type OperatorUpdate,
} from '@switchboard/contracts';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { insecureUrlProblems, type Actor } from './model.js';
import { applyRoutingChange, type RoutingContext } from './routing-context.js';
import {
  countRoutes,
  deleteOperatorRow,
  getOperatorRow,
  insertOperatorRow,
  listOperatorRows,
  toOperator,
  updateOperatorRow,
  type OperatorRow,
} from './store/operator-store.js';
import { getSyncState, resetSyncState } from './store/routing-sync-store.js';

export interface OperatorService {
  create(input: OperatorInput, actor: Actor): Promise<Operator>;
  update(id: string, patch: OperatorUpdate, actor: Actor): Promise<Operator>;
  setStatus(id: string, status: OperatorStatus, actor: Actor): Promise<Operator>;
  remove(id: string, options: { force?: boolean }, actor: Actor): Promise<void>;
  get(id: string): Promise<OperatorDetails>;
  list(): Promise<Operator[]>;
  /** Decrypted credentials Switchboard presents at the operator (never shown to users). */
  credentials(id: string): Promise<OperatorCredentials>;
}

/** The secret-box context (AAD) of an operator's credentials: a sealed value opens only in its row. */
export const operatorCredentialsContext = (id: string) => `operator-credentials:${id}`;

/**
 * ICM r4.2 "Client Authentication" (IdentityAndConsentManagement,
 * documentation/CAMARA-Security-Interoperability.md) and GSMA OPG.10: Switchboard, the API
 * consumer at each operator, authenticates with private_key_jwt; the strict profile refuses
 * client_secret_basic credentials.
 */
export const OPERATOR_STRICT_PROFILE_REFUSAL =
  'the ICM strict profile (ICM_STRICT_PROFILE) allows only private_key_jwt credentials at operators, not client_secret_basic';

export interface OperatorServiceOptions {
  /** ICM strict profile: operator credentials must be private_key_jwt. */
  readonly strictProfile?: boolean;
}

export function createOperatorService(
  ctx: RoutingContext,
  options: OperatorServiceOptions = {},
): OperatorService {
  const context = operatorCredentialsContext;
  const checkCredentials = (c: OperatorCredentials | undefined) => {
    if (options.strictProfile && c?.method === 'client_secret_basic')
      throw new InputError(
        `invalid operator: credentials.method: ${OPERATOR_STRICT_PROFILE_REFUSAL}`,
      );
  };
  const seal = (id: string, c: OperatorCredentials) =>
    ctx.secretBox.seal(JSON.stringify(c), context(id));

  async function mustGet(db: Knex | Knex.Transaction, id: string): Promise<OperatorRow> {
    const row = await getOperatorRow(db, id);
    if (!row) throw new NotFoundError(`unknown operator '${id}'`);
    return row;
  }

  return {
    async create(raw, actor) {
      const input = parse(operatorInputSchema, raw);
      checkCredentials(input.credentials);
      checkUrls(input);
      return applyRoutingChange(
        ctx,
        (op) => ({ actor, action: 'operator.create', operatorId: op.id, detail: { after: op } }),
        async (trx) => {
          if (await getOperatorRow(trx, input.id))
            throw new ConflictError('already-exists', `operator '${input.id}' already exists`);
          const row = await insertOperatorRow(trx, {
            id: input.id,
            name: input.name,
            country: input.country,
            status: input.status,
            issuer_url: input.issuerUrl,
            api_root: input.apiRoot,
            client_id: input.clientId,
            client_auth_method: input.credentials.method,
            client_credentials_enc: seal(input.id, input.credentials),
            scope_style: input.scopeStyle,
            allow_insecure_http: input.allowInsecureHttp,
            routing_url: input.routingUrl,
            supported_apis: JSON.stringify(input.supportedApis),
            carrier_ids: input.carrierIds,
            operator_token: input.operatorToken,
          });
          return toOperator(row);
        },
      );
    },

    async update(id, raw, actor) {
      const patch = parse(operatorUpdateSchema, raw);
      if (Object.keys(patch).length === 0) throw new InputError('nothing to update');
      checkCredentials(patch.credentials);
      let before: Operator | undefined;
      // Credentials never reach the audit log: only that they changed.
      const changed = Object.keys(patch).filter(
        (k) => patch[k as keyof typeof patch] !== undefined,
      );
      return applyRoutingChange(
        ctx,
        (after) => ({
          actor,
          action: 'operator.update',
          operatorId: id,
          detail: { changed, before, after },
        }),
        async (trx) => {
          const current = toOperator(await mustGet(trx, id));
          before = current;
          const merged = { ...current, ...stripUndefined(patch) };
          checkUrls(merged);
          checkOperatorToken(merged);
          const updated = await updateOperatorRow(trx, id, {
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.country !== undefined && { country: patch.country }),
            ...(patch.status !== undefined && { status: patch.status }),
            ...(patch.issuerUrl !== undefined && { issuer_url: patch.issuerUrl }),
            ...(patch.apiRoot !== undefined && { api_root: patch.apiRoot }),
            ...(patch.clientId !== undefined && { client_id: patch.clientId }),
            ...(patch.scopeStyle !== undefined && { scope_style: patch.scopeStyle }),
            ...(patch.allowInsecureHttp !== undefined && {
              allow_insecure_http: patch.allowInsecureHttp,
            }),
            ...(patch.credentials !== undefined && {
              client_auth_method: patch.credentials.method,
              client_credentials_enc: seal(id, patch.credentials),
            }),
            ...(patch.routingUrl !== undefined && { routing_url: patch.routingUrl }),
            ...(patch.supportedApis !== undefined && {
              supported_apis: JSON.stringify(patch.supportedApis),
            }),
            ...(patch.carrierIds !== undefined && { carrier_ids: patch.carrierIds }),
            ...(patch.operatorToken !== undefined && { operator_token: patch.operatorToken }),
          });
          if (patch.routingUrl !== undefined && patch.routingUrl !== current.routingUrl)
            await resetSyncState(trx, id);
          return toOperator(updated!);
        },
      );
    },

    async setStatus(id, status, actor) {
      return this.update(id, { status }, actor);
    },

    async remove(id, { force = false }, actor) {
      await applyRoutingChange(
        ctx,
        () => ({ actor, action: 'operator.remove', operatorId: id, detail: { force } }),
        async (trx) => {
          await mustGet(trx, id);
          const routes = await countRoutes(trx, id);
          const total = routes.ranges + routes.prefixes + routes.networks;
          if (total > 0 && !force) {
            throw new ConflictError(
              'incompatible-state',
              `operator '${id}' still has ${routes.ranges} ranges, ${routes.prefixes} prefixes and ${routes.networks} networks; remove them first or use --force`,
            );
          }
          await deleteOperatorRow(trx, id);
        },
      );
    },

    async get(id) {
      const row = await mustGet(ctx.knex, id);
      return {
        ...toOperator(row),
        routes: await countRoutes(ctx.knex, id),
        routingSync: row.routing_url ? await getSyncState(ctx.knex, id) : null,
      };
    },

    async list() {
      return (await listOperatorRows(ctx.knex)).map(toOperator);
    },

    async credentials(id) {
      const row = await mustGet(ctx.knex, id);
      return JSON.parse(
        ctx.secretBox.open(row.client_credentials_enc, context(id)),
      ) as OperatorCredentials;
    },
  };
}

function checkUrls(op: Parameters<typeof insecureUrlProblems>[0]): void {
  const problems = insecureUrlProblems(op);
  if (problems.length > 0) {
    throw new InputError(
      problems[0]!,
      problems.map((message) => ({ message })),
    );
  }
}

/** Eligibility for operator tokens goes by Android carrier id: one is needed to be found. */
function checkOperatorToken(op: Pick<Operator, 'operatorToken' | 'carrierIds'>): void {
  if (op.operatorToken && op.carrierIds.length === 0)
    throw new InputError(`operatorToken: ${OPERATOR_TOKEN_NEEDS_CARRIER_IDS}`, [
      { field: 'operatorToken', message: `operatorToken: ${OPERATOR_TOKEN_NEEDS_CARRIER_IDS}` },
    ]);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Validates with zod and turns its issues into one InputError naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({
    field: i.path.join('.') || undefined,
    message: i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
  }));
  throw new InputError(
    details[0]!.message,
    details.map((d) => (d.field ? d : { message: d.message })),
  );
}
