// Telco-finder hot path: build and lookup rates of IpPrefixIndex at production scale
// (1M IPv4 + 200k IPv6 prefixes, ~500 operators), string address in → operator out.
import ipaddr from 'ipaddr.js';
import { formatIpv4, formatIpv6 } from '../packages/telco-finder/src/ip/ip-address-format.js';
import { ipv6WordMask } from '../packages/telco-finder/src/ip/ip-bits.js';
import { IpPrefixIndex, type IpRoute } from '@switchboard/telco-finder/test-support';
import type { BenchContext, BenchRow } from './types.js';

const IPV4_PREFIXES = 1_000_000;
const IPV6_PREFIXES = 200_000;
const OPERATORS = 500;
const ADDRESSES = 1_000_000;
const ROUNDS = 5;
const BENCH = 'finder-index';

/** mulberry32: seeded so every run measures the same tables. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Prefix = { words: number[]; length: number };

const random = prng(20_240_601);
const int = (below: number): number => Math.floor(random() * below);
const word = (): number => int(2 ** 32);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

/** A random prefix of `length` bits inside `parent` (or anywhere, with `base` fixed bits). */
function childOf(parent: Prefix, length: number, width: number): Prefix {
  const words = parent.words.map((w, i) => {
    const fixed = ipv6WordMask(parent.length, i);
    return ((w & fixed) | (word() & ~fixed & ipv6WordMask(length, i))) >>> 0;
  });
  return { words: words.slice(0, width / 32), length };
}

/**
 * Realistic-ish nesting: operator blocks first, then prefixes that mostly land inside an
 * existing one (MVNOs, enterprise ranges) and sometimes stand alone.
 */
function generate(count: number, roots: Prefix, lengths: () => number, width: number): Prefix[] {
  const seen = new Set<string>();
  const out: Prefix[] = [];
  while (out.length < count) {
    const nested = out.length > count / 50 && random() < 0.85;
    const parent = nested ? pick(out) : roots;
    const length = Math.max(parent.length + 1, lengths());
    if (length > width) continue;
    const prefix = childOf(parent, length, width);
    const key = `${prefix.words.join(',')}/${length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(prefix);
  }
  return out;
}

const ipv4Length = (): number => {
  const r = random();
  // Few short blocks, or they would cover the whole space and nothing would miss.
  if (r < 0.0005) return 8 + int(8);
  if (r < 0.9) return 16 + int(9);
  return 25 + int(8);
};
const ipv6Length = (): number => {
  const r = random();
  if (r < 0.05) return 128;
  if (r < 0.25) return 19 + int(14);
  return 32 + int(33);
};

const text = (p: Prefix): string =>
  p.words.length === 1 ? formatIpv4(p.words[0]!) : formatIpv6(p.words);

function routesFor(prefixes: Prefix[]): IpRoute[] {
  return prefixes.map((p) => ({
    operatorId: `op-${int(OPERATORS)}`,
    cidr: `${text(p)}/${p.length}`,
  }));
}

/** 70% addresses inside a random prefix (hits), 30% anywhere (mostly misses). */
function addresses(prefixes: Prefix[], anywhere: Prefix, width: number): string[] {
  return Array.from({ length: ADDRESSES }, () =>
    text(childOf(random() < 0.7 ? pick(prefixes) : anywhere, width, width)),
  );
}

/** Median and best lookups/s over ROUNDS passes; `hits` stops the loop being optimised away. */
function rate(ips: string[], lookup: (ip: string) => unknown): { median: number; best: number } {
  const rates: number[] = [];
  let hits = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < ips.length; i++) if (lookup(ips[i]!) !== undefined) hits++;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(ips.length / seconds);
  }
  if (hits < 0) throw new Error('unreachable');
  rates.sort((a, b) => a - b);
  return { median: rates[Math.floor(ROUNDS / 2)]!, best: rates[ROUNDS - 1]! };
}

function retainedBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function row(
  metric: string,
  value: number,
  unit: string,
  target?: string,
  note?: string,
): BenchRow {
  return {
    bench: BENCH,
    metric,
    value,
    unit,
    ...(target ? { target } : {}),
    ...(note ? { note } : {}),
  };
}

/** Cold build (first call, as after a deploy) and what the index retains afterwards. */
async function measureBuild(
  ctx: BenchContext,
  routes: IpRoute[],
): Promise<{ index: IpPrefixIndex; rows: BenchRow[] }> {
  // Parsing flattens the generated (cons) strings; do it now so the heap delta shows the index.
  for (const route of routes) route.cidr.charCodeAt(0);
  ctx.gc();
  const before = retainedBytes();
  const started = performance.now();
  const index = IpPrefixIndex.build(routes);
  const buildMs = performance.now() - started;
  // Freed array buffers are released after the collection; let that run before measuring.
  ctx.gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  ctx.gc();
  const perPrefix = (bytes: number): number => bytes / (index.ipv4Prefixes + index.ipv6Prefixes);
  const rows = [
    row('build', buildMs, 'ms', '≤ 5,000', `${index.ipv4Prefixes} v4 + ${index.ipv6Prefixes} v6`),
    row('index arrays', perPrefix(index.memoryBytes()), 'B/prefix', '≤ 64', 'memoryBytes()'),
    row('retained heap', perPrefix(retainedBytes() - before), 'B/prefix', '≤ 64', 'gc delta'),
  ];
  return { index, rows };
}

function measureLookups(index: IpPrefixIndex, v4: string[], v6: string[]): BenchRow[] {
  const lookups = (family: string, ips: string[], target: string): BenchRow => {
    const { median, best } = rate(ips, (ip) => index.lookup(ip));
    const hits = ips.filter((ip) => index.lookup(ip)).length / ips.length;
    const note = `median of ${ROUNDS}, best ${Math.round(best)}, ${Math.round(100 * hits)}% hits`;
    return row(`${family} lookups`, median, 'ops/s', target, note);
  };
  const parseOnly = (family: string, ips: string[]): BenchRow =>
    row(
      `ipaddr.js ${family} parse`,
      rate(ips, (ip) => ipaddr.process(ip)).median,
      'ops/s',
      undefined,
      'comparison: process() only, no lookup',
    );
  return [
    lookups('IPv4', v4, '≥ 2,000,000'),
    lookups('IPv6', v6, '≥ 500,000'),
    parseOnly('IPv4', v4),
    parseOnly('IPv6', v6),
  ];
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  ctx.log('generating prefixes and addresses');
  const v4Any: Prefix = { words: [0], length: 0 };
  const v6Any: Prefix = { words: [0x20000000, 0, 0, 0], length: 3 };
  const v4 = generate(IPV4_PREFIXES, v4Any, ipv4Length, 32);
  const v6 = generate(IPV6_PREFIXES, v6Any, ipv6Length, 128);
  const routes = [...routesFor(v4), ...routesFor(v6)];
  const v4Ips = addresses(v4, v4Any, 32);
  const v6Ips = addresses(v6, v6Any, 128);
  ctx.log('building');
  const { index, rows } = await measureBuild(ctx, routes);
  ctx.log('looking up');
  return [...rows, ...measureLookups(index, v4Ips, v6Ips)];
}
