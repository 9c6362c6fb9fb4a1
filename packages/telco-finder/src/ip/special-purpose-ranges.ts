import { cidrsOverlap, parseCidr } from './cidr.js';

export interface SpecialPurposeBlock {
  cidr: string;
  name: string;
}

/**
 * Addresses no mobile operator's subscribers reach the Internet from: the IANA IPv4 and
 * IPv6 Special-Purpose Address Registries (RFC 6890 and successors) plus multicast. A
 * device behind them is never seen by Switchboard, so a claim on them is a mistake or an
 * attempt to capture traffic (loopback, private networks) — refused outside development.
 */
export const SPECIAL_PURPOSE_BLOCKS: readonly SpecialPurposeBlock[] = [
  { cidr: '0.0.0.0/8', name: '"this network" (RFC 791)' },
  { cidr: '10.0.0.0/8', name: 'private-use (RFC 1918)' },
  { cidr: '100.64.0.0/10', name: 'shared address space / CGNAT (RFC 6598)' },
  { cidr: '127.0.0.0/8', name: 'loopback (RFC 1122)' },
  { cidr: '169.254.0.0/16', name: 'link-local (RFC 3927)' },
  { cidr: '172.16.0.0/12', name: 'private-use (RFC 1918)' },
  { cidr: '192.0.0.0/24', name: 'IETF protocol assignments (RFC 6890)' },
  { cidr: '192.0.2.0/24', name: 'documentation TEST-NET-1 (RFC 5737)' },
  { cidr: '192.88.99.0/24', name: '6to4 relay anycast (RFC 7526)' },
  { cidr: '192.168.0.0/16', name: 'private-use (RFC 1918)' },
  { cidr: '198.18.0.0/15', name: 'benchmarking (RFC 2544)' },
  { cidr: '198.51.100.0/24', name: 'documentation TEST-NET-2 (RFC 5737)' },
  { cidr: '203.0.113.0/24', name: 'documentation TEST-NET-3 (RFC 5737)' },
  { cidr: '224.0.0.0/4', name: 'multicast (RFC 5771)' },
  { cidr: '240.0.0.0/4', name: 'reserved (RFC 1112), incl. limited broadcast' },
  { cidr: '::/128', name: 'unspecified address (RFC 4291)' },
  { cidr: '::1/128', name: 'loopback (RFC 4291)' },
  { cidr: '64:ff9b::/96', name: 'IPv4/IPv6 translation (RFC 6052)' },
  { cidr: '64:ff9b:1::/48', name: 'local-use IPv4/IPv6 translation (RFC 8215)' },
  { cidr: '100::/64', name: 'discard-only (RFC 6666)' },
  { cidr: '2001::/23', name: 'IETF protocol assignments (RFC 2928)' },
  { cidr: '2001:db8::/32', name: 'documentation (RFC 3849)' },
  { cidr: '2002::/16', name: '6to4 (RFC 3056)' },
  { cidr: '3fff::/20', name: 'documentation (RFC 9637)' },
  { cidr: 'fc00::/7', name: 'unique local (RFC 4193)' },
  { cidr: 'fe80::/10', name: 'link-local (RFC 4291)' },
  { cidr: 'ff00::/8', name: 'multicast (RFC 4291)' },
];

/** The special-purpose block a range overlaps (inside it or containing it), if any. */
export function specialPurposeBlockOf(cidr: string): SpecialPurposeBlock | undefined {
  const canonical = parseCidr(cidr).cidr;
  return SPECIAL_PURPOSE_BLOCKS.find((b) => cidrsOverlap(b.cidr, canonical));
}

/** True for a literal IP address inside a special-purpose block; URL hosts use isForbiddenHost. */
export function isSpecialPurposeAddress(address: string): boolean {
  try {
    return specialPurposeBlockOf(address.replace(/^\[|\]$/g, '')) !== undefined;
  } catch {
    return false;
  }
}
