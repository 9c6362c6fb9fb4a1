import { formatIpv6 } from './ip-address-format.js';
import { ipv6WordMask } from './ip-bits.js';
import type { IpMatch } from './ip-route.js';
import { RoutePrefixes, sortDistinct } from './route-prefixes.js';
import { sweepSegments } from './segment-sweep.js';

/** IPv6 routes as parsed by the index build, in input order; four words per route. */
export interface Ipv6RouteInput {
  words: number[];
  lengths: number[];
  operators: number[];
}

// Bucket on the top 16 bits of the first word, as for IPv4 (see ipv4-route-table.ts).
const BUCKET_BITS = 16;
const BUCKETS = 1 << BUCKET_BITS;
const TOP = 1n << 128n;
const WORD = 0xffffffffn;

/**
 * Disjoint segments over the IPv6 space. Segment starts are four big-endian uint32 words
 * each (16 bytes); indices are in bounds by construction.
 */
export class Ipv6RouteTable {
  private constructor(
    private readonly starts: Uint32Array,
    private readonly winners: Int32Array,
    private readonly buckets: Uint32Array,
    private readonly prefixes: RoutePrefixes,
  ) {}

  static build(input: Ipv6RouteInput, operatorIds: readonly string[]): Ipv6RouteTable {
    const { words, lengths, operators } = input;
    // BigInt keeps the build's 128-bit arithmetic obvious; it is off the lookup path.
    const networks = lengths.map((_, i) => toBigInt(words, 4 * i));
    const order = sortDistinct(lengths.length, (a, b) => {
      const x = networks[a]!;
      const y = networks[b]!;
      return x < y ? -1 : x > y ? 1 : lengths[a]! - lengths[b]!;
    });
    const prefixes = new RoutePrefixes(order.length, operatorIds);
    const sortedNetworks = new Array<bigint>(order.length);
    order.forEach((original, p) => {
      sortedNetworks[p] = networks[original]!;
      prefixes.lengths[p] = lengths[original]!;
      prefixes.operators[p] = operators[original]!;
    });
    const { starts, winners } = flatten(sortedNetworks, prefixes.lengths);
    return new Ipv6RouteTable(starts, winners, bucketIndex(starts), prefixes);
  }

  get prefixCount(): number {
    return this.prefixes.count;
  }

  /** Looks up the address in `words` (four big-endian uint32). */
  match(words: Uint32Array): IpMatch | undefined {
    const segment = this.find(words[0]!, words[1]!, words[2]!, words[3]!);
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

  /** Index of the last segment starting at or before the address. */
  private find(a0: number, a1: number, a2: number, a3: number): number {
    const bucket = a0 >>> (32 - BUCKET_BITS);
    let low = this.buckets[bucket]!;
    let high = this.buckets[bucket + 1]!;
    const s = this.starts;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      const k = 4 * middle;
      const notAfter =
        s[k] !== a0
          ? s[k]! < a0
          : s[k + 1] !== a1
            ? s[k + 1]! < a1
            : s[k + 2] !== a2
              ? s[k + 2]! < a2
              : s[k + 3]! <= a3;
      if (notAfter) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private remember(winner: number, segment: number): IpMatch {
    const length = this.prefixes.lengths[winner]!;
    const network = new Uint32Array(4);
    for (let w = 0; w < 4; w++) {
      network[w] = (this.starts[4 * segment + w]! & ipv6WordMask(length, w)) >>> 0;
    }
    return this.prefixes.remember(winner, `${formatIpv6(network)}/${length}`);
  }
}

function toBigInt(words: readonly number[], at: number): bigint {
  let value = 0n;
  for (let w = 0; w < 4; w++) value = (value << 32n) | BigInt(words[at + w] ?? 0);
  return value;
}

function flatten(
  networks: bigint[],
  lengths: Uint8Array,
): { starts: Uint32Array; winners: Int32Array } {
  const capacity = 2 * networks.length + 1;
  const starts = new Uint32Array(4 * capacity);
  const winners = new Int32Array(capacity);
  let count = 0;
  let last = -1n;
  const source = {
    count: networks.length,
    start: (p: number): bigint => networks[p]!,
    after(p: number): bigint | undefined {
      const next = networks[p]! + (1n << BigInt(128 - lengths[p]!));
      return next < TOP ? next : undefined;
    },
    lessOrEqual: (a: bigint, b: bigint): boolean => a <= b,
  };
  sweepSegments(source, 0n, (start, winner) => {
    if (start === last) {
      winners[count - 1] = winner;
      return;
    }
    for (let w = 0; w < 4; w++) {
      starts[4 * count + w] = Number((start >> BigInt(96 - 32 * w)) & WORD);
    }
    winners[count++] = winner;
    last = start;
  });
  return { starts: starts.slice(0, 4 * count), winners: winners.slice(0, count) };
}

/** buckets[b] = last segment starting at or before b·2^112; buckets[2^16] = last segment. */
function bucketIndex(starts: Uint32Array): Uint32Array {
  const buckets = new Uint32Array(BUCKETS + 1);
  const count = starts.length / 4;
  let segment = 0;
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    const first = (bucket << (32 - BUCKET_BITS)) >>> 0;
    while (segment + 1 < count && startsAtOrBefore(starts, segment + 1, first)) segment++;
    buckets[bucket] = segment;
  }
  buckets[BUCKETS] = count - 1;
  return buckets;
}

/** Segment `i` starts at or before the address first·2^96 (lower words zero). */
function startsAtOrBefore(starts: Uint32Array, i: number, first: number): boolean {
  const word0 = starts[4 * i]!;
  if (word0 !== first) return word0 < first;
  return starts[4 * i + 1] === 0 && starts[4 * i + 2] === 0 && starts[4 * i + 3] === 0;
}
