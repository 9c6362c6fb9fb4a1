// Flattens nested prefixes into disjoint segments so a lookup is one binary search instead
// of a walk over every prefix length: each segment carries its most specific (longest)
// covering prefix, which is the longest-prefix-match winner for every address in it.

/** Prefixes sorted by (network, length), without duplicates. `K` is number (v4) or bigint (v6). */
export interface SweepSource<K> {
  readonly count: number;
  /** First address of prefix `p`. */
  start(p: number): K;
  /** First address after prefix `p`; undefined when `p` runs to the top of the space. */
  after(p: number): K | undefined;
  /** a ≤ b. */
  lessOrEqual(a: K, b: K): boolean;
}

/**
 * Receives segment starts in ascending order. A start equal to the previous one replaces
 * that segment's winner (a prefix that begins where another ends, or a child starting at
 * its parent's first address). Winner -1 is "no route".
 */
export type SegmentSink<K> = (start: K, winner: number) => void;

// IPv6 prefixes nest at most 129 deep (/0 … /128).
const MAX_DEPTH = 129;

/**
 * Sweeps prefixes in order with a stack of open (enclosing) prefixes. Because two prefixes
 * are either nested or disjoint, when a prefix closes the one below it on the stack resumes.
 * Adjacent segments never share a winner: a resumed ancestor differs from the child that
 * just closed, and an opening prefix is new.
 */
export function sweepSegments<K>(source: SweepSource<K>, zero: K, sink: SegmentSink<K>): void {
  const open = new Int32Array(MAX_DEPTH + 1);
  let depth = 0;
  sink(zero, -1);
  for (let p = 0; p < source.count; p++) {
    const start = source.start(p);
    depth = closeBefore(source, open, depth, start, sink);
    sink(start, p);
    open[depth++] = p;
  }
  closeBefore(source, open, depth, undefined, sink);
}

/** Pops every open prefix that ends before `start` (all of them when `start` is undefined). */
function closeBefore<K>(
  source: SweepSource<K>,
  open: Int32Array,
  depth: number,
  start: K | undefined,
  sink: SegmentSink<K>,
): number {
  while (depth > 0) {
    const top = open[depth - 1] ?? -1;
    const after = source.after(top);
    // Ending at the top of the space: so does every enclosing prefix, nothing resumes.
    if (after === undefined) return start === undefined ? 0 : depth;
    if (start !== undefined && !source.lessOrEqual(after, start)) return depth;
    depth--;
    sink(after, depth > 0 ? (open[depth - 1] ?? -1) : -1);
  }
  return depth;
}
