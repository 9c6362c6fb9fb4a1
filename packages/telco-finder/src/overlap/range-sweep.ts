import { CidrBuffer, readCidr } from '../ip/cidr.js';
import { judgeNested, type SweepConflict, type SweepEntry } from './conflict.js';

interface Keyed {
  r: SweepEntry;
  start: number | bigint;
  end: number | bigint;
  len: number;
}

/**
 * Finds, in one sort and one pass, every new range that overlaps a range of another
 * operator (or duplicates any range). CIDR blocks are either nested or disjoint, so after
 * sorting by (start, length) the blocks still "open" on a stack are exactly the blocks
 * containing the current one: O(n log n) instead of one index probe per row, which is what
 * lets a million-row import finish in seconds.
 */
export function findRangeConflicts(ranges: Iterable<SweepEntry>, limit = 20): SweepConflict[] {
  const v4: Keyed[] = [];
  const v6: Keyed[] = [];
  const buf = new CidrBuffer();
  for (const r of ranges) {
    if (readCidr(r.value, buf) !== 'ok') throw new Error(`not a canonical CIDR: ${r.value}`);
    (buf.family === 4 ? v4 : v6).push(key(r, buf));
  }
  const conflicts: SweepConflict[] = [];
  sweep(v4, conflicts, limit);
  if (conflicts.length < limit) sweep(v6, conflicts, limit);
  return conflicts;
}

function key(r: SweepEntry, buf: CidrBuffer): Keyed {
  if (buf.family === 4) {
    const start = buf.ipv4 >>> 0;
    return { r, start, end: start + 2 ** (32 - buf.prefixLength) - 1, len: buf.prefixLength };
  }
  let start = 0n;
  for (const w of buf.words) start = (start << 32n) | BigInt(w);
  const end = start + (1n << BigInt(128 - buf.prefixLength)) - 1n;
  return { r, start, end, len: buf.prefixLength };
}

function sweep(items: Keyed[], out: SweepConflict[], limit: number): void {
  items.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.len - b.len));
  const open: Keyed[] = [];
  for (const item of items) {
    while (open.length > 0 && open[open.length - 1]!.end < item.start) open.pop();
    for (const outer of open) {
      const equal = item.len === outer.len && item.start === outer.start;
      const conflict = judgeNested(item.r, outer.r, equal);
      if (conflict) {
        out.push(conflict);
        if (out.length >= limit) return;
      }
    }
    open.push(item);
  }
}
