import ipaddr from 'ipaddr.js';

/**
 * The device address of an ICM `ipport:` login_hint (`ipport:1.2.3.4:5678`,
 * `ipport:[2001:db8::1]:8080`; the port may be absent), else undefined. Only a hint from a
 * signed request object may be used: an unsigned one could name any network.
 */
export function ipportAddress(loginHint: string | undefined): string | undefined {
  const m = /^ipport:(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(loginHint ?? '');
  const address = m?.[1] ?? m?.[2];
  if (!address || !ipaddr.isValid(address)) return undefined;
  // Dotted quads only: ipaddr.js also reads legacy shorthands (`1.2.3` as 1.2.0.3).
  if (m?.[2] !== undefined && !ipaddr.IPv4.isValidFourPartDecimal(address)) return undefined;
  if (m?.[3] !== undefined && Number(m[3]) > 65535) return undefined;
  return ipaddr.process(address).toString();
}
