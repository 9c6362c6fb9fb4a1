import { CidrBuffer, cidrErrorFor, readCidr } from './cidr.js';
import { isMappedIpv4, parseIpv4, parseIpv6 } from './ip-address-parse.js';
import type { IpMatch, IpRoute } from './ip-route.js';
import { Ipv4RouteTable, type Ipv4RouteInput } from './ipv4-route-table.js';
import { Ipv6RouteTable, type Ipv6RouteInput } from './ipv6-route-table.js';

export type { IpMatch, IpRoute } from './ip-route.js';

/** Lookup scratch: lookups are synchronous, so one buffer serves every call. */
const scratch = new Uint32Array(4);

/**
 * Longest-prefix-match index over IPv4 and IPv6 routes, compiled from the route table.
 * Immutable once built: rebuild and swap the reference to apply route changes.
 */
export class IpPrefixIndex {
  private constructor(
    private readonly v4: Ipv4RouteTable,
    private readonly v6: Ipv6RouteTable,
    private readonly operatorIds: readonly string[],
  ) {}

  /**
   * Compiles routes; throws CidrError on a route whose CIDR is not valid. When one CIDR is
   * given twice, the first route wins, so the result does not depend on hash order.
   */
  static build(routes: Iterable<IpRoute>): IpPrefixIndex {
    const v4: Ipv4RouteInput = { networks: [], lengths: [], operators: [] };
    const v6: Ipv6RouteInput = { words: [], lengths: [], operators: [] };
    const operatorIds: string[] = [];
    const operatorIndex = new Map<string, number>();
    const buffer = new CidrBuffer();
    for (const route of routes) {
      const result = readCidr(route.cidr, buffer);
      if (result !== 'ok') throw cidrErrorFor(route.cidr, result, buffer);
      let operator = operatorIndex.get(route.operatorId);
      if (operator === undefined) {
        operator = operatorIds.push(route.operatorId) - 1;
        operatorIndex.set(route.operatorId, operator);
      }
      const family = buffer.family === 4 ? v4 : v6;
      if (buffer.family === 4) v4.networks.push(buffer.ipv4);
      else v6.words.push(...buffer.words);
      family.lengths.push(buffer.prefixLength);
      family.operators.push(operator);
    }
    return new IpPrefixIndex(
      Ipv4RouteTable.build(v4, operatorIds),
      Ipv6RouteTable.build(v6, operatorIds),
      operatorIds,
    );
  }

  static empty(): IpPrefixIndex {
    return IpPrefixIndex.build([]);
  }

  /** Distinct IPv4 prefixes (IPv4-mapped IPv6 routes count here). */
  get ipv4Prefixes(): number {
    return this.v4.prefixCount;
  }

  get ipv6Prefixes(): number {
    return this.v6.prefixCount;
  }

  /**
   * The operator serving `ip`, or undefined. Total: anything that is not a plain address
   * (garbage, CIDRs, zone ids, leading zeros) is undefined, never an exception.
   * Returned matches are frozen and shared between lookups.
   */
  lookup(ip: string): IpMatch | undefined {
    if (typeof ip !== 'string') return undefined;
    const v4 = parseIpv4(ip, 0, ip.length);
    if (v4 >= 0) return this.v4.match(v4);
    if (!parseIpv6(ip, 0, ip.length, scratch)) return undefined;
    // RFC 4291 §2.5.5.2: an IPv4-mapped address is the IPv4 host (dual-stack sockets).
    if (isMappedIpv4(scratch)) return this.v4.match(scratch[3]!);
    return this.v6.match(scratch);
  }

  /** Bytes held by the index's typed arrays and arrays (pointer slots at 8 bytes). */
  memoryBytes(): number {
    return this.v4.memoryBytes() + this.v6.memoryBytes() + 8 * this.operatorIds.length;
  }
}
