import { MAX_ROUTE_VALUES } from '@switchboard/contracts';
import type { RouteRemedy } from './violations.js';

/**
 * Who may claim what (ADR 0002). The planner applies the same rules in the same order for
 * every path; a policy only switches rules on and sets their limits.
 */
export interface ClaimPolicy {
  /** Values per kind in one call (CSV import: no limit, streaming is its purpose). */
  readonly maxPerCall: number;
  /** Every claim may overlap other operators' entries (the admin's `allowOverlap`). */
  readonly allowOverlap: boolean;
  /** Refuse special-purpose IP ranges (operators outside development). */
  readonly refuseSpecialPurpose: boolean;
  /** Refuse claims broader than BROADEST_SELF_CLAIM unless an admin approved the value. */
  readonly tooBroadNeedsApproval: boolean;
  /** An operator acts on its own routes only: another's value is "not held", never shown. */
  readonly ownRoutesOnly: boolean;
  /** What would permit a refused overlap, for the HTTP and CLI layers' words. */
  readonly remedy: RouteRemedy;
}

/**
 * The broadest claims an operator may make itself (operator API, GSMA routing table);
 * anything broader needs an admin's approval. The largest single blocks real mobile
 * operators hold are IPv4 /10–/11 and IPv6 /19–/23 (RIR allocations); /3 or /2 is a mistake
 * or a hijack. An E.164 prefix of 1–3 digits may be a whole country code (ITU-T E.164 §6.2.1).
 */
export const BROADEST_SELF_CLAIM = { ipv4: 10, ipv6: 19, prefixDigits: 4 } as const;

/** Admin API and CLI `ranges|prefixes|networks add|remove`. */
export function adminPolicy(allowOverlap = false): ClaimPolicy {
  return {
    maxPerCall: MAX_ROUTE_VALUES,
    allowOverlap,
    refuseSpecialPurpose: false,
    tooBroadNeedsApproval: false,
    ownRoutesOnly: false,
    remedy: 'allow-overlap',
  };
}

/** Admin API and CLI `ranges|prefixes import`: the admin's rules, any number of rows. */
export function importPolicy(allowOverlap = false): ClaimPolicy {
  return { ...adminPolicy(allowOverlap), maxPerCall: Number.POSITIVE_INFINITY };
}

/** Operator API and GSMA routing-table sync: an operator claiming for itself. */
export function operatorPolicy(options: { allowSpecialPurpose: boolean }): ClaimPolicy {
  return {
    maxPerCall: MAX_ROUTE_VALUES,
    allowOverlap: false,
    refuseSpecialPurpose: !options.allowSpecialPurpose,
    tooBroadNeedsApproval: true,
    ownRoutesOnly: true,
    remedy: 'approval',
  };
}
