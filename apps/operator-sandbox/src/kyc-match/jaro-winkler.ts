/**
 * Jaro-Winkler similarity (Winkler 1990), the algorithm KYC Match v0.3.0 names for
 * `*MatchScore`: Jaro similarity with a match window of ⌊max(|a|,|b|)/2⌋ − 1, half the
 * out-of-order matches as transpositions, then the common prefix (at most 4 characters)
 * weighted by p = 0.1. Compares Unicode code points. 1 for two equal strings, 0 when either is
 * empty and the other is not.
 */
export function jaroWinkler(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (s.length === 0 && t.length === 0) return 1;
  if (s.length === 0 || t.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1);
  const sMatched = new Array<boolean>(s.length).fill(false);
  const tMatched = new Array<boolean>(t.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s.length; i += 1) {
    const from = Math.max(0, i - window);
    const to = Math.min(t.length - 1, i + window);
    for (let j = from; j <= to; j += 1) {
      if (tMatched[j] || s[i] !== t[j]) continue;
      sMatched[i] = true;
      tMatched[j] = true;
      matches += 1;
      break;
    }
  }
  if (matches === 0) return 0;
  let outOfOrder = 0;
  let k = 0;
  for (let i = 0; i < s.length; i += 1) {
    if (!sMatched[i]) continue;
    while (!tMatched[k]) k += 1;
    if (s[i] !== t[k]) outOfOrder += 1;
    k += 1;
  }
  const m = matches;
  const jaro = (m / s.length + m / t.length + (m - outOfOrder / 2) / m) / 3;
  let prefix = 0;
  while (prefix < Math.min(4, s.length, t.length) && s[prefix] === t[prefix]) prefix += 1;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** The spec's score: 0–100, higher is more similar. */
export function matchScore(a: string, b: string): number {
  return Math.round(jaroWinkler(a, b) * 100);
}
