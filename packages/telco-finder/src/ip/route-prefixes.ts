import type { IpMatch } from './ip-route.js';

/**
 * Per-prefix data of one address family, in sorted prefix order. Networks are not kept:
 * a segment's start masked to its winner's length gives the network back, which saves
 * 16 bytes per IPv6 prefix (the index aims at ≤ 64 bytes per prefix; `npm run bench` measures it).
 */
export class RoutePrefixes {
  readonly lengths: Uint8Array;
  readonly operators: Uint32Array;
  /** Frozen match per prefix, made on first hit so lookups do not allocate. */
  readonly matches: (IpMatch | undefined)[];

  constructor(
    count: number,
    readonly operatorIds: readonly string[],
  ) {
    this.lengths = new Uint8Array(count);
    this.operators = new Uint32Array(count);
    this.matches = new Array<IpMatch | undefined>(count);
  }

  get count(): number {
    return this.lengths.length;
  }

  remember(prefix: number, cidr: string): IpMatch {
    const match = Object.freeze({
      operatorId: this.operatorIds[this.operators[prefix] ?? 0] ?? '',
      cidr,
    });
    this.matches[prefix] = match;
    return match;
  }

  memoryBytes(): number {
    return this.lengths.byteLength + this.operators.byteLength + 8 * this.matches.length;
  }
}

/** Original indices sorted by `compare`, keeping the first of each run it calls equal. */
export function sortDistinct(
  count: number,
  compare: (a: number, b: number) => number,
): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Ties broken by input position so the first route given for a CIDR wins.
  order.sort((a, b) => compare(a, b) || a - b);
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const index = order[i] ?? 0;
    if (kept > 0 && compare(order[kept - 1] ?? 0, index) === 0) continue;
    order[kept++] = index;
  }
  return order.slice(0, kept);
}
