import { describe, expect, it } from '@jest/globals';
import { formatIpv6 } from './ip-address-format.js';
import { IpPrefixIndex, type IpRoute } from './ip-prefix-index.js';

// Cross-checks the segment index against a linear scan over every prefix. Seeded, so a
// failure names a reproducible case.
const SEED = 0x5eed_1234;
const V4_PREFIXES = 15_000;
const V6_PREFIXES = 5_000;
const V4_ADDRESSES = 75_000;
const V6_ADDRESSES = 25_000;

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const random = mulberry32(SEED);
const int = (below: number): number => Math.floor(random() * below);
const word = (): number => int(2 ** 32);

/** A prefix as 1 (IPv4) or 4 (IPv6) big-endian words; the reference's own bit maths. */
interface Prefix {
  words: number[];
  length: number;
  operatorId: string;
}

function mask(length: number, w: number): number {
  const bits = Math.min(32, Math.max(0, length - 32 * w));
  return bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
}

function randomInside(words: number[], length: number): number[] {
  return words.map((value, w) => ((value & mask(length, w)) | (word() & ~mask(length, w))) >>> 0);
}

/** Roots anywhere, or (mostly) a longer prefix inside an existing one, sometimes a duplicate. */
function prefixes(count: number, width: 32 | 128): Prefix[] {
  const out: Prefix[] = [];
  const zero = width === 32 ? [0] : [0, 0, 0, 0];
  while (out.length < count) {
    const parent = out.length > 0 && random() < 0.7 ? out[int(out.length)] : undefined;
    const base = parent?.length ?? (width === 32 ? 8 + int(16) : 16 + int(40));
    const length = random() < 0.02 ? base : Math.min(width, base + 1 + int(width === 32 ? 8 : 24));
    const words = parent ? randomInside(parent.words, parent.length) : randomInside(zero, 0);
    const network = words.map((value, w) => (value & mask(length, w)) >>> 0);
    out.push({ words: network, length, operatorId: `op-${out.length}` });
  }
  return out;
}

const text = (words: number[]): string =>
  words.length === 1
    ? [24, 16, 8, 0].map((shift) => ((words[0] ?? 0) >>> shift) & 255).join('.')
    : formatIpv6(words);

/** The spelling a client might send: full or compressed IPv6, sometimes upper case; mapped IPv4. */
function spell(words: number[]): string {
  if (words.length === 1) return random() < 0.1 ? `::ffff:${text(words)}` : text(words);
  const style = int(3);
  if (style === 0) return text(words);
  const full = words.flatMap((w) => [(w >>> 16).toString(16), (w & 0xffff).toString(16)]).join(':');
  return style === 1 ? full : full.toUpperCase();
}

/** Edges of a random prefix (first, last, just outside) or a random address. */
function address(all: Prefix[], width: 32 | 128): number[] {
  const zero = width === 32 ? [0] : [0, 0, 0, 0];
  const prefix = all[int(all.length)];
  if (!prefix || random() < 0.3) return randomInside(zero, 0);
  const first = prefix.words;
  const last = first.map((value, w) => (value | ~mask(prefix.length, w)) >>> 0);
  switch (int(5)) {
    case 0:
      return first;
    case 1:
      return last;
    case 2:
      return step(last, +1);
    case 3:
      return step(first, -1);
    default:
      return randomInside(first, prefix.length);
  }
}

/** words ± 1 with carry, wrapping at the ends of the space. */
function step(words: number[], delta: 1 | -1): number[] {
  const out = [...words];
  for (let w = out.length - 1; w >= 0; w--) {
    const next = (out[w] ?? 0) + delta;
    out[w] = next >>> 0;
    if (next >= 0 && next < 2 ** 32) break;
  }
  return out;
}

/**
 * Linear-scan reference: prefixes ordered longest first (stably, so of equal CIDRs the first
 * given comes first), the first one containing the address wins.
 */
class LinearScan {
  private readonly order: Prefix[];
  private readonly networks: Uint32Array;
  private readonly masks: Uint32Array;

  constructor(
    all: Prefix[],
    private readonly width: number,
  ) {
    this.order = [...all].sort((a, b) => b.length - a.length);
    this.networks = Uint32Array.from(this.order.flatMap((p) => p.words));
    this.masks = Uint32Array.from(
      this.order.flatMap((p) => p.words.map((_, w) => mask(p.length, w))),
    );
  }

  match(words: number[]): Prefix | undefined {
    const n = this.width / 32;
    for (let p = 0; p < this.order.length; p++) {
      let inside = true;
      for (let w = 0; w < n && inside; w++) {
        const k = p * n + w;
        inside = (((words[w] ?? 0) ^ (this.networks[k] ?? 0)) & (this.masks[k] ?? 0)) === 0;
      }
      if (inside) return this.order[p];
    }
    return undefined;
  }
}

describe('IpPrefixIndex random cross-check', () => {
  const v4 = prefixes(V4_PREFIXES, 32);
  const v6 = prefixes(V6_PREFIXES, 128);
  const routes: IpRoute[] = [...v4, ...v6].map((p) => ({
    operatorId: p.operatorId,
    cidr: `${text(p.words)}/${p.length}`,
  }));
  const index = IpPrefixIndex.build(routes);

  it.each([
    ['IPv4', v4, 32, V4_ADDRESSES],
    ['IPv6', v6, 128, V6_ADDRESSES],
  ] as const)('%s agrees with a linear scan', (_family, all, width, count) => {
    const reference = new LinearScan(all, width);
    const mismatches: string[] = [];
    let hits = 0;
    for (let i = 0; i < count && mismatches.length < 5; i++) {
      const words = address(all, width);
      const ip = spell(words);
      const expected = reference.match(words);
      const actual = index.lookup(ip);
      if (expected) hits++;
      const want = expected && {
        operatorId: expected.operatorId,
        cidr: `${text(expected.words)}/${expected.length}`,
      };
      if (JSON.stringify(actual) !== JSON.stringify(want)) {
        mismatches.push(`${ip}: got ${JSON.stringify(actual)}, want ${JSON.stringify(want)}`);
      }
    }
    expect(mismatches).toEqual([]);
    // Both outcomes must be well represented, or the check proves little.
    expect(hits).toBeGreaterThan(count * 0.3);
    expect(hits).toBeLessThan(count * 0.95);
  });
});
