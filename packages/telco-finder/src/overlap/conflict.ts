/** A route in an overlap sweep: stored, or part of the change being checked. */
export interface SweepEntry {
  operatorId: string;
  value: string;
  /** Part of the change being checked (as opposed to already stored). */
  isNew: boolean;
  /** This new entry may overlap other operators' entries (never duplicate them). */
  allowOverlap: boolean;
  line?: number;
}

export interface SweepConflict {
  entry: SweepEntry;
  other: SweepEntry;
  kind: 'duplicate' | 'overlap';
}

/**
 * The conflict between two nested entries, if any: an exact duplicate always; an overlap
 * only between different operators and unless the new entry may overlap.
 */
export function judgeNested(
  inner: SweepEntry,
  outer: SweepEntry,
  equal: boolean,
): SweepConflict | undefined {
  if (!inner.isNew && !outer.isNew) return undefined;
  const [mine, theirs] = inner.isNew ? [inner, outer] : [outer, inner];
  if (equal) return { entry: mine, other: theirs, kind: 'duplicate' };
  if (inner.operatorId === outer.operatorId || mine.allowOverlap) return undefined;
  return { entry: mine, other: theirs, kind: 'overlap' };
}
