import { judgeNested, type SweepConflict, type SweepEntry } from './conflict.js';

/**
 * The range sweep's rule for MSISDN prefixes: a prefix may not equal another's, nor extend
 * or be extended by another operator's. Sorted, the prefixes still "open" on a stack are
 * exactly those the current one extends: one sort and one pass.
 */
export function findPrefixConflicts(prefixes: Iterable<SweepEntry>, limit = 20): SweepConflict[] {
  const sorted = [...prefixes].sort((a, b) =>
    a.value < b.value ? -1 : a.value > b.value ? 1 : Number(a.isNew) - Number(b.isNew),
  );
  const out: SweepConflict[] = [];
  const open: SweepEntry[] = [];
  for (const entry of sorted) {
    while (open.length > 0 && !entry.value.startsWith(open[open.length - 1]!.value)) open.pop();
    for (const outer of open) {
      const conflict = judgeNested(entry, outer, entry.value === outer.value);
      if (conflict) {
        out.push(conflict);
        if (out.length >= limit) return out;
      }
    }
    open.push(entry);
  }
  return out;
}
