import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
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

/** A host name that resolved to a loopback, private or otherwise special-purpose address. */
export class PrivateAddressError extends Error {
  constructor(hostname: string, address: string) {
    super(
      `${hostname} resolves to ${address}, a loopback or private address (allowed only with OPERATOR_DEV_MODE)`,
    );
    this.name = 'PrivateAddressError';
  }
}

const systemResolve: Resolve = (hostname, options, callback) =>
  dnsLookup(hostname, options, callback);

/**
 * A `net.connect` `lookup` that refuses a name resolving to a special-purpose address (IANA
 * registries: loopback, private, link-local, …). It runs when the socket connects, so the
 * address checked is the address used: a name that resolved to a public address when an
 * operator registered it and to 127.0.0.1 now (DNS rebinding) is still refused.
 */
export function publicOnlyLookup(resolve: Resolve = systemResolve) {
  return lookupVia(resolve, { publicOnly: true });
}

/** A `net.connect` `lookup` over `resolve`; `publicOnly` refuses special-purpose answers. */
export function lookupVia(resolve: Resolve, { publicOnly }: { publicOnly: boolean }) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const inside = publicOnly && addresses.find((a) => isForbiddenHost(a.address));
      if (inside) return callback(new PrivateAddressError(hostname, inside.address), []);
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
