import type { Knex } from 'knex';
import { CidrError, parseCidr } from './ip/cidr.js';
import { parseMsisdnPrefix, PrefixError } from './msisdn/msisdn-prefix.js';
import { ConflictError, InputError, NotFoundError, type ErrorDetail } from './errors.js';
import type { Actor, IpRangeRecord, MsisdnPrefixRecord, NetworkRecord } from './model.js';
import { applyRoutingChange, type RoutingContext } from './routing-context.js';
import {
  deleteNetworks,
  deletePrefixes,
  deleteRanges,
  findExistingRanges,
  findNetworks,
  findPrefixOverlaps,
  findRangeOverlaps,
  insertNetworks,
  insertPrefixes,
  insertRanges,
  listNetworks,
  listPrefixes,
  listRanges,
  type Overlap,
} from './store/routing-store.js';
import { getOperatorRow } from './store/operator-store.js';

export interface AddOptions {
  allowOverlap?: boolean;
}

export interface RouteService {
  addRanges(
    operatorId: string,
    cidrs: string[],
    options: AddOptions,
    actor: Actor,
  ): Promise<string[]>;
  removeRanges(cidrs: string[], actor: Actor, operatorId?: string): Promise<string[]>;
  listRanges(operatorId?: string): Promise<IpRangeRecord[]>;
  addPrefixes(
    operatorId: string,
    prefixes: string[],
    options: AddOptions,
    actor: Actor,
  ): Promise<string[]>;
  removePrefixes(prefixes: string[], actor: Actor, operatorId?: string): Promise<string[]>;
  listPrefixes(operatorId?: string): Promise<MsisdnPrefixRecord[]>;
  addNetworks(operatorId: string, mccMncs: string[], actor: Actor): Promise<string[]>;
  removeNetworks(mccMncs: string[], actor: Actor, operatorId?: string): Promise<string[]>;
  listNetworks(operatorId?: string): Promise<NetworkRecord[]>;
}

const MAX_ITEMS = 10_000;

export function createRouteService(ctx: RoutingContext): RouteService {
  async function requireOperator(trx: Knex.Transaction, id: string): Promise<void> {
    if (!(await getOperatorRow(trx, id))) throw new NotFoundError(`unknown operator '${id}'`);
  }

  return {
    async addRanges(operatorId, rawCidrs, { allowOverlap = false }, actor) {
      const cidrs = normalizeAll(rawCidrs, canonicalCidr, 'CIDR');
      return applyRoutingChange(
        ctx,
        (added) => ({ actor, action: 'ranges.add', operatorId, detail: { added, allowOverlap } }),
        async (trx) => {
          await requireOperator(trx, operatorId);
          refuseTaken(await findExistingRanges(trx, cidrs), 'range');
          if (!allowOverlap) {
            const overlaps = await collect(cidrs, (c) => findRangeOverlaps(trx, c, operatorId));
            refuseOverlaps(overlaps, operatorId, 'range');
          }
          await insertRanges(
            trx,
            cidrs.map((cidr) => ({ operatorId, cidr, allowOverlap })),
          );
          return cidrs;
        },
      );
    },

    async removeRanges(rawCidrs, actor, operatorId) {
      const cidrs = normalizeAll(rawCidrs, canonicalCidr, 'CIDR');
      return removeAll(ctx, cidrs, 'ranges.remove', actor, operatorId, deleteRanges, 'range');
    },

    listRanges: (operatorId) => listRanges(ctx.knex, operatorId),

    async addPrefixes(operatorId, rawPrefixes, { allowOverlap = false }, actor) {
      const prefixes = normalizeAll(rawPrefixes, canonicalPrefix, 'prefix');
      return applyRoutingChange(
        ctx,
        (added) => ({ actor, action: 'prefixes.add', operatorId, detail: { added, allowOverlap } }),
        async (trx) => {
          await requireOperator(trx, operatorId);
          const overlaps = await collect(prefixes, (p) => findPrefixOverlaps(trx, p, operatorId));
          refuseTaken(await collect(prefixes, (p) => exactPrefix(trx, p)), 'prefix');
          if (!allowOverlap) refuseOverlaps(overlaps, operatorId, 'prefix');
          await insertPrefixes(
            trx,
            prefixes.map((prefix) => ({ operatorId, prefix, allowOverlap })),
          );
          return prefixes;
        },
      );
    },

    async removePrefixes(rawPrefixes, actor, operatorId) {
      const prefixes = normalizeAll(rawPrefixes, canonicalPrefix, 'prefix');
      return removeAll(
        ctx,
        prefixes,
        'prefixes.remove',
        actor,
        operatorId,
        deletePrefixes,
        'prefix',
      );
    },

    listPrefixes: (operatorId) => listPrefixes(ctx.knex, operatorId),

    async addNetworks(operatorId, raw, actor) {
      const networks = normalizeAll(raw, canonicalMccMnc, 'MCC-MNC');
      return applyRoutingChange(
        ctx,
        (added) => ({ actor, action: 'networks.add', operatorId, detail: { added } }),
        async (trx) => {
          await requireOperator(trx, operatorId);
          refuseTaken(await findNetworks(trx, networks), 'network');
          await insertNetworks(trx, operatorId, networks);
          return networks;
        },
      );
    },

    async removeNetworks(raw, actor, operatorId) {
      const networks = normalizeAll(raw, canonicalMccMnc, 'MCC-MNC');
      return removeAll(
        ctx,
        networks,
        'networks.remove',
        actor,
        operatorId,
        deleteNetworks,
        'network',
      );
    },

    listNetworks: (operatorId) => listNetworks(ctx.knex, operatorId),
  };
}

async function exactPrefix(trx: Knex.Transaction, prefix: string): Promise<Overlap[]> {
  const rows = await trx('msisdn_prefixes').where({ prefix }).select('operator_id');
  return rows.map((r: { operator_id: string }) => ({ operatorId: r.operator_id, value: prefix }));
}

/** Deletes every listed item or nothing: a missing (or foreign) item rolls the whole change back. */
async function removeAll(
  ctx: RoutingContext,
  values: string[],
  action: string,
  actor: Actor,
  operatorId: string | undefined,
  del: (trx: Knex.Transaction, values: string[]) => Promise<Overlap[]>,
  noun: string,
): Promise<string[]> {
  return applyRoutingChange(
    ctx,
    (removed) => ({ actor, action, operatorId, detail: { removed } }),
    async (trx) => {
      const deleted = await del(trx, values);
      const found = new Set(deleted.map((d) => d.value));
      const missing = values.filter((v) => !found.has(v));
      if (missing.length > 0) {
        throw new NotFoundError(
          `no such ${noun}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
        );
      }
      const foreign = operatorId ? deleted.filter((d) => d.operatorId !== operatorId) : [];
      if (foreign.length > 0) {
        throw new ConflictError(
          `${noun} ${foreign[0]!.value} belongs to operator '${foreign[0]!.operatorId}', not '${operatorId}'`,
        );
      }
      return values;
    },
  );
}

export function canonicalCidr(input: string): string {
  try {
    return parseCidr(input.trim()).cidr;
  } catch (e) {
    if (e instanceof CidrError) throw new InputError(e.message);
    throw e;
  }
}

export function canonicalPrefix(input: string): string {
  try {
    return parseMsisdnPrefix(input.trim());
  } catch (e) {
    if (e instanceof PrefixError) throw new InputError(e.message);
    throw e;
  }
}

export function canonicalMccMnc(input: string): string {
  const value = input.trim().replace('-', '');
  if (!/^[0-9]{5,6}$/.test(value)) {
    throw new InputError(`invalid MCC-MNC '${input}' (expected 5 or 6 digits, e.g. 21407)`);
  }
  return value;
}

function normalizeAll(values: string[], normalize: (v: string) => string, noun: string): string[] {
  if (!Array.isArray(values) || values.length === 0)
    throw new InputError(`give at least one ${noun}`);
  if (values.length > MAX_ITEMS)
    throw new InputError(`at most ${MAX_ITEMS} per call; use import for more`);
  const details: ErrorDetail[] = [];
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string') {
      details.push({ message: `not a ${noun}: ${JSON.stringify(v)}` });
      continue;
    }
    try {
      const n = normalize(v);
      if (out.has(n)) details.push({ message: `${n} is listed twice` });
      out.add(n);
    } catch (e) {
      details.push({ message: (e as Error).message });
    }
  }
  if (details.length > 0) throw new InputError(details[0]!.message, details);
  return [...out];
}

async function collect(
  values: string[],
  find: (v: string) => Promise<Overlap[]>,
): Promise<Array<[string, Overlap]>> {
  const out: Array<[string, Overlap]> = [];
  for (const v of values) for (const o of await find(v)) out.push([v, o]);
  return out;
}

function refuseTaken(existing: Overlap[] | Array<[string, Overlap]>, noun: string): void {
  const list = existing.map((e) => (Array.isArray(e) ? e[1] : e));
  if (list.length === 0) return;
  const details = list.map((o) => ({
    message: `${noun} ${o.value} is already registered to operator '${o.operatorId}'`,
  }));
  throw new ConflictError(details[0]!.message, details);
}

function refuseOverlaps(
  overlaps: Array<[string, Overlap]>,
  operatorId: string,
  noun: string,
): void {
  if (overlaps.length === 0) return;
  const details = overlaps.map(([mine, o]) => ({
    message: `${noun} ${mine} of operator '${operatorId}' overlaps ${o.value} of operator '${o.operatorId}' (use --allow-overlap to permit it)`,
  }));
  throw new ConflictError(details[0]!.message, details);
}
