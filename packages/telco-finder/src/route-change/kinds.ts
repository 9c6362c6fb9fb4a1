import type { Knex } from 'knex';
import type { RouteKind } from '@switchboard/contracts';
import type { ApprovalKind } from '../store/overlap-approval-store.js';
import {
  allPrefixes,
  allRanges,
  deleteNetworks,
  deletePrefixes,
  deleteRanges,
  findExistingPrefixes,
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
} from '../store/routing-store.js';
import { canonicalCidr, canonicalMccMnc, canonicalPrefix } from './normalize.js';
import type { Claim } from './plan.js';
import type { RouteNoun } from './violations.js';

type Trx = Knex.Transaction;

/** How one kind of route is read and written, all through the routing store. */
export interface RouteKindStore {
  kind: RouteKind;
  noun: RouteNoun;
  /** The value's column in a CSV import's header. */
  column: string;
  /** The value's name in input errors of the admin API. */
  label: string;
  normalize(value: string): string;
  current(trx: Trx, operatorId: string): Promise<string[]>;
  /** Exact values already registered, to any operator. */
  owners(trx: Trx, values: string[]): Promise<Overlap[]>;
  /** Other operators' entries nesting with `value` (none for kinds that never nest). */
  overlaps(trx: Trx, value: string, operatorId: string): Promise<Overlap[]>;
  /** Every stored entry, for a bulk sweep (CSV import). */
  all(trx: Trx): Promise<Overlap[]>;
  approvalKind?: ApprovalKind;
  /** Writes the claims, each marked whether it may overlap (mapped once: imports are large). */
  insert(
    trx: Trx,
    claims: readonly Claim[],
    mayOverlap: (value: string) => boolean,
    onProgress?: (done: number) => void,
  ): Promise<void>;
  remove(trx: Trx, values: string[]): Promise<Overlap[]>;
}

const none = async (): Promise<Overlap[]> => [];

export const ROUTE_KIND_STORES: Record<RouteKind, RouteKindStore> = {
  ranges: {
    kind: 'ranges',
    noun: 'range',
    column: 'cidr',
    label: 'CIDR',
    normalize: canonicalCidr,
    current: async (trx, op) => (await listRanges(trx, op)).map((r) => r.cidr),
    owners: findExistingRanges,
    overlaps: findRangeOverlaps,
    all: async (trx) =>
      (await allRanges(trx)).map((r) => ({ operatorId: r.operatorId, value: r.cidr })),
    approvalKind: 'range',
    insert: (trx, claims, mayOverlap, onProgress) =>
      insertRanges(
        trx,
        claims.map((c) => ({
          operatorId: c.operatorId,
          cidr: c.value,
          allowOverlap: mayOverlap(c.value),
        })),
        onProgress,
      ),
    remove: deleteRanges,
  },
  prefixes: {
    kind: 'prefixes',
    noun: 'prefix',
    column: 'prefix',
    label: 'prefix',
    normalize: canonicalPrefix,
    current: async (trx, op) => (await listPrefixes(trx, op)).map((p) => p.prefix),
    owners: findExistingPrefixes,
    overlaps: findPrefixOverlaps,
    all: async (trx) =>
      (await allPrefixes(trx)).map((p) => ({ operatorId: p.operatorId, value: p.prefix })),
    approvalKind: 'prefix',
    insert: (trx, claims, mayOverlap) =>
      insertPrefixes(
        trx,
        claims.map((c) => ({
          operatorId: c.operatorId,
          prefix: c.value,
          allowOverlap: mayOverlap(c.value),
        })),
      ),
    remove: deletePrefixes,
  },
  networks: {
    kind: 'networks',
    noun: 'network',
    column: 'mccMnc',
    label: 'MCC-MNC',
    normalize: canonicalMccMnc,
    current: async (trx, op) => (await listNetworks(trx, op)).map((n) => n.mccMnc),
    owners: findNetworks,
    overlaps: none,
    all: none,
    insert: (trx, claims) =>
      insertNetworks(
        trx,
        claims.map((c) => ({ operatorId: c.operatorId, mccMnc: c.value })),
      ),
    remove: deleteNetworks,
  },
};
