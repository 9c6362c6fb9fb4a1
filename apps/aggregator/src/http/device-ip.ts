import ipaddr from 'ipaddr.js';

export type DeviceIpResolver = (
  socketAddress: string | undefined,
  forwardedFor?: string,
) => string | undefined;

/**
 * The device's address: the socket's, or — only when the socket is a trusted proxy
 * (TRUST_PROXY) — the nearest untrusted hop of X-Forwarded-For, read right to left so a
 * client cannot forge its own entry. `::ffff:a.b.c.d` is IPv4.
 */
export function createDeviceIpResolver(trustedCidrs: readonly string[]): DeviceIpResolver {
  const isTrusted = trustedRanges(trustedCidrs);

  return (socketAddress, forwardedFor) => {
    const peer = parse(socketAddress);
    if (!peer) return undefined;
    if (!isTrusted(peer) || !forwardedFor) return peer.toString();
    const hops = forwardedFor
      .split(',')
      .map((h) => parse(h.trim()))
      .reverse();
    for (const hop of hops) {
      if (!hop) return undefined;
      if (!isTrusted(hop)) return hop.toString();
    }
    return hops.at(-1)?.toString() ?? peer.toString();
  };
}

function trustedRanges(cidrs: readonly string[]) {
  const trusted = cidrs.map((c) => ipaddr.parseCIDR(c));
  return (ip: ipaddr.IPv4 | ipaddr.IPv6) =>
    trusted.some(([range, bits]) => ip.kind() === range.kind() && ip.match(range, bits));
}

/** True when the socket peer is one of the TRUST_PROXY ranges. */
export function createTrustedProxyCheck(
  trustedCidrs: readonly string[],
): (address: string | undefined) => boolean {
  const isTrusted = trustedRanges(trustedCidrs);
  return (address) => {
    const peer = parse(address);
    return peer !== undefined && isTrusted(peer);
  };
}

function parse(value: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!value || !ipaddr.isValid(value)) return undefined;
  return ipaddr.process(value);
}
