import ipaddr from 'ipaddr.js';
import type { SubscriberRule } from '../config.js';

/** The operator's view of which subscriber holds which address (seed Annex step 7). */
export interface SubscriberDirectory {
  /** MSISDN ('+'-prefixed E.164) of the subscriber using `address`, if any. */
  msisdnAt(address: string): string | undefined;
  /** Whether some address of the table is `msisdn`'s line (a backend flow's `tel:` subject). */
  serves(msisdn: string): boolean;
}

interface CompiledRule {
  readonly range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  readonly resolve: (address: ipaddr.IPv4 | ipaddr.IPv6) => string;
  /** An address of this rule that is `msisdn`'s line, if the rule could assign it. */
  readonly addressOf: (msisdn: string) => string | undefined;
}

/** Exact addresses and ranges; the most specific (longest prefix) rule wins. */
export function createSubscriberDirectory(
  rules: ReadonlyArray<SubscriberRule>,
): SubscriberDirectory {
  const compiled = rules.map(compileRule).sort((a, b) => b.range[1] - a.range[1]);
  const msisdnAt = (address: string) => {
    const parsed = parseAddress(address);
    if (!parsed) return undefined;
    const rule = compiled.find((r) => r.range[0].kind() === parsed.kind() && parsed.match(r.range));
    return rule?.resolve(parsed);
  };
  return {
    msisdnAt,
    // A more specific rule may shadow part of a range: the address must map back to the number.
    serves: (msisdn) =>
      compiled.some((r) => {
        const address = r.addressOf(msisdn);
        return address !== undefined && msisdnAt(address) === msisdn;
      }),
  };
}

/** `::ffff:a.b.c.d` is the IPv4 address a dual-stack socket reports for an IPv4 peer. */
export function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  return ipaddr.isValid(address) ? ipaddr.process(address) : undefined;
}

function compileRule(rule: SubscriberRule): CompiledRule {
  if ('address' in rule) {
    const address = ipaddr.process(rule.address);
    const range: CompiledRule['range'] = [address, address.kind() === 'ipv4' ? 32 : 128];
    return { range, resolve: () => rule.msisdn, addressOf: fixedAddress(range, rule.msisdn) };
  }
  const range = ipaddr.parseCIDR(rule.cidr);
  if ('msisdn' in rule)
    return { range, resolve: () => rule.msisdn, addressOf: fixedAddress(range, rule.msisdn) };
  const resolve = derivedMsisdn(rule.cidr, rule.msisdnPrefix, range[1]);
  return {
    range,
    resolve,
    addressOf: (m) => addressOfDerived(range, rule.msisdnPrefix, m)?.toString(),
  };
}

/** The range's first address for its one number (a range of one line). */
function fixedAddress(range: CompiledRule['range'], msisdn: string) {
  return (m: string) => (m === msisdn ? range[0].toString() : undefined);
}

/** The inverse of derivedMsisdn: `+346001000005` → `127.10.0.5` when that address is in range. */
function addressOfDerived(
  range: CompiledRule['range'],
  prefix: string,
  msisdn: string,
): ipaddr.IPv4 | undefined {
  const firstFree = Math.floor(range[1] / 8);
  const digits = msisdn.slice(prefix.length);
  if (!msisdn.startsWith(prefix) || !new RegExp(`^[0-9]{${3 * (4 - firstFree)}}$`).test(digits))
    return undefined;
  const free = digits.match(/[0-9]{3}/g)?.map(Number) ?? [];
  const octets = [...(range[0] as ipaddr.IPv4).octets.slice(0, firstFree), ...free];
  if (octets.some((o) => o > 255)) return undefined;
  const address = new ipaddr.IPv4(octets);
  return address.match(range) ? address : undefined;
}

/**
 * `127.10.0.0/16` + `+346001` → `127.10.0.5` is `+346001000005`: the prefix followed by
 * every octet the range does not fix, each zero-padded to three digits.
 */
function derivedMsisdn(cidr: string, prefix: string, prefixLength: number) {
  const firstFree = Math.floor(prefixLength / 8);
  const digits = prefix.length - 1 + 3 * (4 - firstFree);
  if (digits > 15)
    throw new Error(
      `subscriber range ${cidr}: ${prefix} plus ${4 - firstFree} octets exceeds 15 E.164 digits`,
    );
  return (address: ipaddr.IPv4 | ipaddr.IPv6) => {
    const octets = (address as ipaddr.IPv4).octets.slice(firstFree);
    return prefix + octets.map((o) => String(o).padStart(3, '0')).join('');
  };
}
