import { formatIpv4 } from './ip-address-format.js';
import { ipv4HostSpan, wordMask } from './ip-bits.js';
import type { IpMatch } from './ip-route.js';
import { RoutePrefixes, sortDistinct } from './route-prefixes.js';
import { sweepSegments } from './segment-sweep.js';

/** IPv4 routes as parsed by the index build, in input order. */
export interface Ipv4RouteInput {
  networks: number[];
  lengths: number[];
  operators: number[];
}

// The top 16 address bits pick a bucket that bounds the binary search, so a lookup in a
// million-prefix table touches a handful of segments instead of ~21 (cache misses dominate).
const BUCKET_BITS = 16;
const BUCKET_SHIFT = 32 - BUCKET_BITS;
const BUCKETS = 1 << BUCKET_BITS;
const TOP = 2 ** 32;

/** Disjoint segments over the IPv4 space; indices are in bounds by construction. */
export class Ipv4RouteTable {
  private constructor(
    private readonly starts: Uint32Array,
    private readonly winners: Int32Array,
    private readonly buckets: Uint32Array,
    private readonly prefixes: RoutePrefixes,
  ) {}

  static build(input: Ipv4RouteInput, operatorIds: readonly string[]): Ipv4RouteTable {
    const { networks, lengths, operators } = input;
    const order = sortDistinct(
      lengths.length,
      (a, b) => networks[a]! - networks[b]! || lengths[a]! - lengths[b]!,
    );
    const prefixes = new RoutePrefixes(order.length, operatorIds);
    const sortedNetworks = new Uint32Array(order.length);
    order.forEach((original, p) => {
      sortedNetworks[p] = networks[original]!;
      prefixes.lengths[p] = lengths[original]!;
      prefixes.operators[p] = operators[original]!;
    });
    const { starts, winners } = flatten(sortedNetworks, prefixes.lengths);
    return new Ipv4RouteTable(starts, winners, bucketIndex(starts), prefixes);
  }

  get prefixCount(): number {
    return this.prefixes.count;
  }

  match(address: number): IpMatch | undefined {
    const segment = this.find(address);
    const winner = this.winners[segment]!;
    if (winner < 0) return undefined;
    return this.prefixes.matches[winner] ?? this.remember(winner, segment);
  }

  memoryBytes(): number {
    return (
      this.starts.byteLength +
      this.winners.byteLength +
      this.buckets.byteLength +
      this.prefixes.memoryBytes()
    );
  }

  /** Index of the last segment starting at or before `address`. */
  private find(address: number): number {
    const bucket = address >>> BUCKET_SHIFT;
    let low = this.buckets[bucket]!;
    let high = this.buckets[bucket + 1]!;
    const starts = this.starts;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (starts[middle]! <= address) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private remember(winner: number, segment: number): IpMatch {
    const length = this.prefixes.lengths[winner]!;
    const network = (this.starts[segment]! & wordMask(length)) >>> 0;
    return this.prefixes.remember(winner, `${formatIpv4(network)}/${length}`);
  }
}

function flatten(
  networks: Uint32Array,
  lengths: Uint8Array,
): { starts: Uint32Array; winners: Int32Array } {
  const capacity = 2 * networks.length + 1;
  const starts = new Uint32Array(capacity);
  const winners = new Int32Array(capacity);
  let count = 0;
  const source = {
    count: networks.length,
    start: (p: number): number => networks[p]!,
    after(p: number): number | undefined {
      const next = networks[p]! + ipv4HostSpan(lengths[p]!) + 1;
      return next < TOP ? next : undefined;
    },
    lessOrEqual: (a: number, b: number): boolean => a <= b,
  };
  sweepSegments(source, 0, (start, winner) => {
    if (count > 0 && starts[count - 1] === start) winners[count - 1] = winner;
    else {
      starts[count] = start;
      winners[count++] = winner;
    }
  });
  return { starts: starts.slice(0, count), winners: winners.slice(0, count) };
}

/** buckets[b] = last segment starting at or before b·2^16; buckets[2^16] = last segment. */
function bucketIndex(starts: Uint32Array): Uint32Array {
  const buckets = new Uint32Array(BUCKETS + 1);
  let segment = 0;
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    const first = bucket * 2 ** BUCKET_SHIFT;
    while (segment + 1 < starts.length && starts[segment + 1]! <= first) segment++;
    buckets[bucket] = segment;
  }
  buckets[BUCKETS] = starts.length - 1;
  return buckets;
}
