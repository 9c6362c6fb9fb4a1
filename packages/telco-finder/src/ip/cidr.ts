import { formatIpv4, formatIpv6 } from './ip-address-format.js';
import { isMappedIpv4, parseIpv4, parseIpv6, parsePrefixLength } from './ip-address-parse.js';
import { ipv6WordMask, wordMask } from './ip-bits.js';

export type IpFamily = 4 | 6;

export interface ParsedCidr {
  family: IpFamily;
  /** Canonical text: dotted quad for IPv4, RFC 5952 for IPv6, mapped IPv6 folded to IPv4. */
  cidr: string;
  prefixLength: number;
}

export type CidrErrorReason = 'invalid' | 'host-bits';

export class CidrError extends Error {
  readonly reason: CidrErrorReason;

  constructor(reason: CidrErrorReason, message: string) {
    super(message);
    this.name = 'CidrError';
    this.reason = reason;
  }
}

/**
 * Numeric form of a prefix, filled in place so the index build parses a million routes
 * without allocating per route. IPv4 lives in `ipv4`; IPv6 in `words` (big-endian).
 */
export class CidrBuffer {
  family: IpFamily = 4;
  prefixLength = 0;
  ipv4 = 0;
  readonly words = new Uint32Array(4);
}

export type CidrReadResult = 'ok' | 'invalid' | 'host-bits' | 'mapped-short';

/** Reads an address with an optional '/length' into `into`; IPv4-mapped IPv6 becomes IPv4. */
export function readCidr(input: string, into: CidrBuffer): CidrReadResult {
  if (typeof input !== 'string') return 'invalid';
  const slash = input.indexOf('/');
  const end = slash < 0 ? input.length : slash;
  if (!readAddress(input, end, into)) return 'invalid';
  const max = into.family === 4 ? 32 : 128;
  const length = slash < 0 ? max : parsePrefixLength(input, slash + 1, input.length, max);
  if (length < 0) return 'invalid';
  into.prefixLength = length;
  if (into.family === 6 && isMappedIpv4(into.words)) {
    // RFC 4291 §2.5.5.2: only prefixes inside ::ffff:0:0/96 have an IPv4 meaning.
    if (length < 96) return 'mapped-short';
    into.family = 4;
    into.ipv4 = into.words[3] ?? 0;
    into.prefixLength = length - 96;
  }
  return hasHostBits(into) ? 'host-bits' : 'ok';
}

function readAddress(input: string, end: number, into: CidrBuffer): boolean {
  const v4 = parseIpv4(input, 0, end);
  if (v4 >= 0) {
    into.family = 4;
    into.ipv4 = v4;
    return true;
  }
  into.family = 6;
  return parseIpv6(input, 0, end, into.words);
}

function hasHostBits(cidr: CidrBuffer): boolean {
  if (cidr.family === 4) return (cidr.ipv4 & ~wordMask(cidr.prefixLength)) !== 0;
  for (let w = 0; w < 4; w++) {
    if (((cidr.words[w] ?? 0) & ~ipv6WordMask(cidr.prefixLength, w)) !== 0) return true;
  }
  return false;
}

/** Clears the host bits of `cidr` in place. */
export function clearHostBits(cidr: CidrBuffer): void {
  if (cidr.family === 4) {
    cidr.ipv4 = (cidr.ipv4 & wordMask(cidr.prefixLength)) >>> 0;
    return;
  }
  for (let w = 0; w < 4; w++) {
    cidr.words[w] = ((cidr.words[w] ?? 0) & ipv6WordMask(cidr.prefixLength, w)) >>> 0;
  }
}

/** Canonical 'address/length' text of a buffer. */
export function formatCidr(cidr: CidrBuffer): string {
  const address = cidr.family === 4 ? formatIpv4(cidr.ipv4) : formatIpv6(cidr.words);
  return `${address}/${cidr.prefixLength}`;
}

/** Turns a failed read into the error users see; the message quotes their input. */
export function cidrErrorFor(input: string, result: CidrReadResult, into: CidrBuffer): CidrError {
  if (result === 'host-bits') {
    clearHostBits(into);
    return new CidrError(
      'host-bits',
      `host bits set in '${input}' (did you mean ${formatCidr(into)}?)`,
    );
  }
  if (result === 'mapped-short') {
    return new CidrError(
      'invalid',
      `invalid CIDR '${input}': an IPv4-mapped IPv6 prefix must be /96 or longer`,
    );
  }
  return new CidrError('invalid', `invalid CIDR '${String(input)}'`);
}

/** Parses and canonicalises a CIDR; a bare address is a /32 or /128. Throws CidrError. */
export function parseCidr(input: string): ParsedCidr {
  const buffer = new CidrBuffer();
  const result = readCidr(input, buffer);
  if (result !== 'ok') throw cidrErrorFor(input, result, buffer);
  return { family: buffer.family, cidr: formatCidr(buffer), prefixLength: buffer.prefixLength };
}

/** Canonical text of a single address (mapped IPv6 → IPv4), or undefined. Never throws. */
export function normalizeIp(input: string): { family: IpFamily; address: string } | undefined {
  if (typeof input !== 'string' || input.includes('/')) return undefined;
  const buffer = new CidrBuffer();
  if (readCidr(input, buffer) !== 'ok') return undefined;
  const address = buffer.family === 4 ? formatIpv4(buffer.ipv4) : formatIpv6(buffer.words);
  return { family: buffer.family, address };
}

function parseStrict(input: string): CidrBuffer {
  const buffer = new CidrBuffer();
  const result = readCidr(input, buffer);
  if (result !== 'ok') throw cidrErrorFor(input, result, buffer);
  return buffer;
}

/** True when every address of `inner` is in `outer`. Different families never contain. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = parseStrict(outer);
  const b = parseStrict(inner);
  if (a.family !== b.family || a.prefixLength > b.prefixLength) return false;
  b.prefixLength = a.prefixLength;
  clearHostBits(b);
  if (a.family === 4) return a.ipv4 === b.ipv4;
  return a.words.every((word, w) => word === b.words[w]);
}

/** Prefixes either nest or are disjoint, so they overlap exactly when one contains the other. */
export function cidrsOverlap(a: string, b: string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
