// Hand-written IP address parsers for the lookup hot path: ipaddr.js parses ≈0.9M
// addresses/s, too slow for the ≥2M lookups/s budget, so these use charCodeAt loops and
// write into caller-supplied typed arrays instead of allocating.

const DOT = 0x2e;
const COLON = 0x3a;
const ZERO = 0x30;

/** Scratch for the eight 16-bit groups; parsing is synchronous so one buffer suffices. */
const groups = new Uint32Array(8);

/**
 * Parses `text[from, to)` as dotted-quad IPv4 and returns it as an unsigned 32-bit number,
 * or -1. Leading zeros ('01.2.3.4') are refused: some stacks read them as octal.
 */
export function parseIpv4(text: string, from: number, to: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= ZERO + 9) {
      if (digits > 0 && octet === 0) return -1;
      octet = octet * 10 + (c - ZERO);
      if (octet > 255) return -1;
      digits++;
    } else if (c === DOT && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * Parses `text[from, to)` as IPv6 (RFC 4291 §2.2 text forms, including '::' and a trailing
 * dotted quad) into four big-endian 32-bit words. Returns false on anything else, including
 * zone ids ('%eth0') and brackets, which are not addresses.
 */
export function parseIpv6(text: string, from: number, to: number, out: Uint32Array): boolean {
  let i = from;
  let count = 0;
  let gap = -1;
  if (to - i < 2) return false;
  if (text.charCodeAt(i) === COLON) {
    if (text.charCodeAt(i + 1) !== COLON) return false;
    gap = 0;
    i += 2;
  }
  while (i < to) {
    const groupStart = i;
    let value = 0;
    let h = 0;
    while (i < to && (h = hexValue(text.charCodeAt(i))) >= 0) {
      value = value * 16 + h;
      i++;
    }
    if (i < to && text.charCodeAt(i) === DOT) {
      if (count > 6) return false;
      const v4 = parseIpv4(text, groupStart, to);
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      break;
    }
    const digits = i - groupStart;
    if (digits === 0 || digits > 4 || count === 8) return false;
    groups[count++] = value;
    if (i === to) break;
    if (text.charCodeAt(i) !== COLON) return false;
    i++;
    if (i === to) return false;
    if (text.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  return expandGroups(count, gap, out);
}

/** Places the parsed groups around the '::' gap and packs them into words. */
function expandGroups(count: number, gap: number, out: Uint32Array): boolean {
  if (gap < 0 ? count !== 8 : count > 7) return false;
  if (gap >= 0) {
    const tail = count - gap;
    for (let k = 7; k >= 8 - tail; k--) groups[k] = groups[k - (8 - count)] ?? 0;
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  }
  for (let w = 0; w < 4; w++) {
    out[w] = (((groups[2 * w] ?? 0) << 16) | (groups[2 * w + 1] ?? 0)) >>> 0;
  }
  return true;
}

/** True when the words are an IPv4-mapped IPv6 address (::ffff:0:0/96, RFC 4291 §2.5.5.2). */
export function isMappedIpv4(words: Uint32Array): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

/**
 * Parses a decimal prefix length in `text[from, to)` no greater than `max`, or -1.
 * Leading zeros are refused for the same reason as in addresses.
 */
export function parsePrefixLength(text: string, from: number, to: number, max: number): number {
  const digits = to - from;
  if (digits < 1 || digits > 3) return -1;
  if (digits > 1 && text.charCodeAt(from) === ZERO) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - ZERO;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value <= max ? value : -1;
}
