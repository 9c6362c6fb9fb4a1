import { CidrBuffer, readCidr } from './cidr.js';
import { formatIpv4 } from './ip-address-format.js';
import { isSpecialPurposeAddress } from './special-purpose-ranges.js';

/**
 * The one host check of every URL Switchboard may contact for an operator (SSRF guard): true
 * for a host that names the machine itself or an internal network without any DNS lookup —
 *
 * - `localhost` and every name under it, with or without the trailing dot (RFC 6761 §6.3:
 *   resolvers answer them with loopback);
 * - a literal special-purpose address (IANA registries, RFC 6890; `SPECIAL_PURPOSE_BLOCKS`),
 *   in any spelling the WHATWG URL parser accepts (`0x7f.1`, `2130706433`), IPv4-mapped IPv6
 *   (`::ffff:169.254.169.254`) included;
 * - any IPv4-compatible IPv6 address `::a.b.c.d` (deprecated, RFC 4291 §2.5.5.1: some stacks
 *   still route it to the embedded IPv4 address);
 * - a NAT64 address `64:ff9b::a.b.c.d` (RFC 6052 §2.1) whose embedded IPv4 address is
 *   special-purpose. The prefix itself is globally reachable (IANA registry), so a NAT64 form of
 *   a public address — what DNS64 answers on an IPv6-only host — is allowed.
 *
 * A host that does not parse as a URL host is refused too. Any other name is not judged here:
 * what it resolves to is checked when the socket connects (services/host-guard.ts).
 */
export function isForbiddenHost(hostname: string): boolean {
  const host = canonicalHost(hostname);
  if (host === undefined || host === '') return true;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const ip = new CidrBuffer();
  if (readCidr(host, ip) !== 'ok') return false;
  if (ip.family === 4) return isSpecialPurposeAddress(host);
  const [w0, w1, w2, w3 = 0] = ip.words;
  if (w0 === 0 && w1 === 0 && w2 === 0) return true;
  if (w0 === NAT64_WORD && w1 === 0 && w2 === 0) return isSpecialPurposeAddress(formatIpv4(w3));
  return isSpecialPurposeAddress(host);
}

/** 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052 §2.1), as its first 32-bit word. */
const NAT64_WORD = 0x0064ff9b;

/**
 * The host as the WHATWG URL parser normalises it (lower case, IPv4 in dotted decimal, IPv6
 * compressed), without brackets and trailing dots; undefined when it is not a valid host.
 */
function canonicalHost(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  try {
    const parsed = new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname;
    return parsed.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
  } catch {
    return undefined;
  }
}
