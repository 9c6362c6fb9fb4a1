import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { isForbiddenHost } from '@switchboard/telco-finder';

/** How a host name becomes addresses (`dns.lookup` with `all: true`); injectable in tests. */
export type Resolve = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A host that is, or resolved to, a loopback, private or otherwise special-purpose address. */
export class PrivateAddressError extends Error {
  constructor(hostname: string, address?: string) {
    super(
      address === undefined
        ? `${hostname} is a loopback or private host (allowed only with OPERATOR_DEV_MODE)`
        : `${hostname} resolves to ${address}, a loopback or private address (allowed only with OPERATOR_DEV_MODE)`,
    );
    this.name = 'PrivateAddressError';
  }
}

/** How Switchboard reaches operators' hosts; every default is the real network. */
export interface EgressNetwork {
  /** Name resolution (tests: a table standing in for DNS); the system resolver by default. */
  readonly resolve?: Resolve;
  /**
   * Tests only: where a connection to an address that passed the guard really goes, so that a
   * public address in a resolver table can stand for a listener on loopback.
   */
  readonly route?: (address: string) => string;
  /** CA certificates to trust instead of Node's (tests: the CA of a local TLS operator). */
  readonly ca?: string;
}

const systemResolve: Resolve = (hostname, options, callback) =>
  dnsLookup(hostname, options, callback);
const direct = (address: string) => address;

/**
 * A `net.connect` `lookup` over `resolve`. With `publicOnly` it refuses a name resolving to a
 * special-purpose address (isForbiddenHost: IANA registries, embedded IPv4 forms). It runs when
 * the socket connects, so the address checked is the address used: a name that resolved to a
 * public address when an operator registered it and to 127.0.0.1 now (DNS rebinding) is still
 * refused.
 */
export function lookupVia(
  resolve: Resolve,
  { publicOnly, route = direct }: { publicOnly: boolean; route?: (address: string) => string },
) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, answers) => {
      if (err) return callback(err, []);
      const inside = publicOnly && answers.find((a) => isForbiddenHost(a.address));
      if (inside) return callback(new PrivateAddressError(hostname, inside.address), []);
      const addresses = answers.map((a) => {
        const address = route(a.address);
        return { address, family: isIP(address) };
      });
      const first = addresses[0];
      if (!first)
        return callback(
          Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' }),
          [],
        );
      if (options.all) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * An undici connector that applies the address guard to every connection it opens, unless
 * `unguarded` exempts the target: a literal special-purpose host or a `localhost` name is refused
 * before any socket (net.connect never calls `lookup` for a literal address), a name through
 * `lookupVia`'s connect-time check.
 */
export function guardedConnector(options: {
  readonly timeoutMs: number;
  readonly unguarded: (target: buildConnector.Options) => boolean;
  readonly network?: EgressNetwork;
}): buildConnector.connector {
  const { resolve = systemResolve, route = direct, ca } = options.network ?? {};
  const build = (publicOnly: boolean) =>
    buildConnector({
      timeout: options.timeoutMs,
      lookup: lookupVia(resolve, { publicOnly, route }),
      ...(ca ? { ca } : {}),
    });
  const open = build(false);
  const guarded = build(true);
  return (target, callback) => {
    const free = options.unguarded(target);
    if (!free && isForbiddenHost(target.hostname))
      return callback(new PrivateAddressError(target.hostname), null);
    const hostname = isIP(target.hostname) ? route(target.hostname) : target.hostname;
    (free ? open : guarded)({ ...target, hostname }, callback);
  };
}
