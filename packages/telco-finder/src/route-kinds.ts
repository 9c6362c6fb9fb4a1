import type { Knex } from 'knex';
import { specialPurposeBlockOf } from './ip/special-purpose-ranges.js';
import { canonicalCidr, canonicalMccMnc, canonicalPrefix } from './route-service.js';
import type { ApprovalKind } from './store/overlap-approval-store.js';
import {
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
} from './store/routing-store.js';

export type RouteKind = 'ranges' | 'prefixes' | 'networks';
export const ROUTE_KINDS: readonly RouteKind[] = ['ranges', 'prefixes', 'networks'];

type Trx = Knex.Transaction;

/** How one kind of route is read, checked and written; the pipeline is the same for all. */
export interface RouteKindSpec {
  kind: RouteKind;
  noun: string;
  normalize(value: string): string;
  current(trx: Trx, operatorId: string): Promise<string[]>;
  /** Exact values already registered, to any operator. */
  taken(trx: Trx, values: string[]): Promise<Overlap[]>;
  /** Other operators' entries overlapping `value` (nesting either way). */
  overlaps?(trx: Trx, value: string, operatorId: string): Promise<Overlap[]>;
  approvalKind?: ApprovalKind;
  /** Why a value may not be claimed outside development, if it may not. */
  specialPurpose?(value: string): string | undefined;
  insert(trx: Trx, operatorId: string, values: string[], approved: Set<string>): Promise<void>;
  remove(trx: Trx, values: string[]): Promise<unknown>;
}

export const RANGE_KIND: RouteKindSpec = {
  kind: 'ranges',
  noun: 'range',
  normalize: canonicalCidr,
  current: async (trx, op) => (await listRanges(trx, op)).map((r) => r.cidr),
  taken: findExistingRanges,
  overlaps: findRangeOverlaps,
  approvalKind: 'range',
  specialPurpose(cidr) {
    const block = specialPurposeBlockOf(cidr);
    return block && `${block.cidr} is ${block.name}`;
  },
  insert: (trx, operatorId, values, approved) =>
    insertRanges(
      trx,
      values.map((cidr) => ({ operatorId, cidr, allowOverlap: approved.has(cidr) })),
    ),
  remove: deleteRanges,
};

export const PREFIX_KIND: RouteKindSpec = {
  kind: 'prefixes',
  noun: 'prefix',
  normalize: canonicalPrefix,
  current: async (trx, op) => (await listPrefixes(trx, op)).map((p) => p.prefix),
  taken: findExistingPrefixes,
  overlaps: findPrefixOverlaps,
  approvalKind: 'prefix',
  insert: (trx, operatorId, values, approved) =>
    insertPrefixes(
      trx,
      values.map((prefix) => ({ operatorId, prefix, allowOverlap: approved.has(prefix) })),
    ),
  remove: deletePrefixes,
};

export const NETWORK_KIND: RouteKindSpec = {
  kind: 'networks',
  noun: 'network',
  normalize: canonicalMccMnc,
  current: async (trx, op) => (await listNetworks(trx, op)).map((n) => n.mccMnc),
  taken: findNetworks,
  insert: (trx, operatorId, values) => insertNetworks(trx, operatorId, values),
  remove: deleteNetworks,
};

export const KIND_SPECS: Record<RouteKind, RouteKindSpec> = {
  ranges: RANGE_KIND,
  prefixes: PREFIX_KIND,
  networks: NETWORK_KIND,
};
