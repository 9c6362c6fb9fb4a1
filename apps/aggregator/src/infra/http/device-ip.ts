import type { IncomingMessage } from 'node:http';
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
  const peers = createPeerMemo(isTrusted);

  return (socketAddress, forwardedFor) => {
    if (socketAddress === undefined) return undefined;
    const known = peers(socketAddress);
    if (!known) return undefined;
    const { trusted, text } = known;
    if (!trusted || !forwardedFor) return text;
    const hops = forwardedFor
      .split(',')
      .map((h) => parse(h.trim()))
      .reverse();
    for (const hop of hops) {
      if (!hop) return undefined;
      if (!isTrusted(hop)) return hop.toString();
    }
    return hops.at(-1)?.toString() ?? text;
  };
}

/** What a request needs to name its device: express's Request or node:http's IncomingMessage. */
export type DeviceRequest = Pick<IncomingMessage, 'socket' | 'headers'>;

/**
 * The device address of a request. node:http joins a repeated X-Forwarded-For into one
 * comma-separated line; an array (a hand-built request) is joined the same way.
 */
export function requestDeviceIp(resolve: DeviceIpResolver, req: DeviceRequest): string | undefined {
  const forwarded = req.headers['x-forwarded-for'];
  return resolve(
    req.socket.remoteAddress,
    Array.isArray(forwarded) ? forwarded.join(', ') : forwarded,
  );
}

interface Peer {
  readonly trusted: boolean;
  readonly text: string;
}

const PEER_MEMO_SIZE = 4_096;

/**
 * Socket addresses repeat (keep-alive, a few proxies or app servers): their parse, trust and
 * normal form are remembered, bounded; a pure function of the string, so never stale.
 */
function createPeerMemo(isTrusted: (ip: ipaddr.IPv4 | ipaddr.IPv6) => boolean) {
  const memo = new Map<string, Peer | undefined>();
  return (address: string): Peer | undefined => {
    if (memo.has(address)) return memo.get(address);
    const peer = parse(address);
    const known = peer && { trusted: isTrusted(peer), text: peer.toString() };
    if (memo.size >= PEER_MEMO_SIZE) memo.clear();
    memo.set(address, known);
    return known;
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
