/** Dotted-quad text of an unsigned 32-bit address. */
export function formatIpv4(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/** RFC 5952 §4 text: lower-case hex, no leading zeros, the first longest run (≥ 2) of zero groups as '::'. */
export function formatIpv6(words: ArrayLike<number>): string {
  const parts: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = words[w] ?? 0;
    parts.push(word >>> 16, word & 0xffff);
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let k = 0; k < 8;) {
    if (parts[k] !== 0) {
      k++;
      continue;
    }
    let end = k;
    while (end < 8 && parts[end] === 0) end++;
    if (end - k > bestLength) {
      bestStart = k;
      bestLength = end - k;
    }
    k = end;
  }
  const hex = (from: number, to: number): string =>
    parts
      .slice(from, to)
      .map((part) => part.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
