import type { Knex } from 'knex';
import type { RouteKind } from '@switchboard/contracts';
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

/**
 * The broadest claims an operator may make itself (operator API, GSMA routing table);
 * anything broader needs an admin's `overlaps approve`. The largest single blocks real
 * mobile operators hold are IPv4 /10–/11 and IPv6 /19–/23 (RIR allocations); /3 or /2 is
 * a mistake or a hijack. An E.164 prefix of 1–3 digits may be a whole country code.
 */
export const BROADEST_SELF_CLAIM = { ipv4: 10, ipv6: 19, prefixDigits: 4 } as const;

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
  /** Why a value is too broad to claim without an admin's approval, if it is. */
  tooBroad?(value: string): string | undefined;
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
  tooBroad(cidr) {
    const v6 = cidr.includes(':');
    const broadest = v6 ? BROADEST_SELF_CLAIM.ipv6 : BROADEST_SELF_CLAIM.ipv4;
    const length = Number(cidr.slice(cidr.lastIndexOf('/') + 1));
    return length < broadest
      ? `it is broader than /${broadest} (the broadest ${v6 ? 'IPv6' : 'IPv4'} range an operator may claim without an admin's approval)`
      : undefined;
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
  tooBroad(prefix) {
    // Stored without '+': E.164 country codes have 1–3 digits (ITU-T E.164 §6.2.1).
    return prefix.length < BROADEST_SELF_CLAIM.prefixDigits
      ? `it has fewer than ${BROADEST_SELF_CLAIM.prefixDigits} digits and may cover a whole country code (an operator claims it only with an admin's approval)`
      : undefined;
  },
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
