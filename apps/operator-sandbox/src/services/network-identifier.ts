import { createHmac } from 'node:crypto';
import { PHONE_NUMBER_PATTERN } from '@switchboard/camara';
import ipaddr from 'ipaddr.js';
import { maskAddress, type Logger } from '../logger.js';
import type { SandboxStateStore } from '../store/sandbox-state-store.js';
import { parseAddress, type SubscriberDirectory } from './subscriber-directory.js';

/** What the network sees of a request: the socket's peer and the request headers. */
export interface Connection {
  readonly remoteAddress: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface IdentifiedSubscriber {
  /** Pseudonymous subscriber id, used as the OIDC `sub`; never the MSISDN (CAMARA ICM). */
  readonly accountId: string;
  readonly msisdn: string;
  readonly method: 'source-ip' | 'header-enrichment';
}

/** A line named by a backend flow (CIBA login_hint, JWT-bearer `sub`): no authentication. */
export type SubscriberQuery = { readonly msisdn: string } | { readonly address: string };

export interface NetworkIdentifier {
  identify(connection: Connection): Promise<IdentifiedSubscriber | undefined>;
  /**
   * The subscriber holding a number, or the address the network assigned (the same table
   * network authentication uses); undefined when this operator serves no such line. A pure
   * lookup: `remember` records the account once the request is accepted.
   */
  find(query: SubscriberQuery): NamedSubscriber | undefined;
  /** Records the pseudonym → MSISDN pair the APIs read a token's subject from. */
  remember(subscriber: NamedSubscriber): Promise<void>;
}

export interface NamedSubscriber {
  readonly accountId: string;
  readonly msisdn: string;
}

export interface HeaderEnrichment {
  readonly header: string;
  readonly trustedProxies: ReadonlyArray<string>;
}

export interface NetworkIdentifierDeps {
  readonly directory: SubscriberDirectory;
  readonly store: Pick<SandboxStateStore, 'secret' | 'rememberAccount'>;
  readonly headerEnrichment?: HeaderEnrichment | undefined;
  readonly logger: Logger;
}

/**
 * Network-based authentication (seed Annex step 7): the subscriber is whoever the
 * operator's network assigned the connection's source address to. A header-enrichment
 * header (e.g. X-MSISDN) counts only when the connection comes from a trusted proxy.
 */
export function createNetworkIdentifier(deps: NetworkIdentifierDeps): NetworkIdentifier {
  const isTrustedProxy = compileMatcher(deps.headerEnrichment?.trustedProxies ?? []);
  const header = deps.headerEnrichment?.header.toLowerCase();
  return {
    async identify({ remoteAddress, headers }) {
      const enriched =
        header && remoteAddress && isTrustedProxy(remoteAddress)
          ? single(headers[header])
          : undefined;
      const fromHeader =
        enriched !== undefined && PHONE_NUMBER_PATTERN.test(enriched) ? enriched : undefined;
      const msisdn =
        fromHeader ?? (remoteAddress ? deps.directory.msisdnAt(remoteAddress) : undefined);
      if (!msisdn) {
        deps.logger.info('device not identified on the mobile network', {
          source: maskAddress(remoteAddress),
        });
        return undefined;
      }
      const accountId = pseudonymFor(deps.store.secret, msisdn);
      await deps.store.rememberAccount(accountId, msisdn);
      return { accountId, msisdn, method: fromHeader ? 'header-enrichment' : 'source-ip' };
    },
    find(query) {
      const msisdn =
        'msisdn' in query
          ? deps.directory.serves(query.msisdn)
            ? query.msisdn
            : undefined
          : deps.directory.msisdnAt(query.address);
      return msisdn ? { accountId: pseudonymFor(deps.store.secret, msisdn), msisdn } : undefined;
    },
    remember: ({ accountId, msisdn }) => deps.store.rememberAccount(accountId, msisdn),
  };
}

/** Stable per operator, unlinkable to the MSISDN without the operator's secret. */
export function pseudonymFor(secret: string, msisdn: string): string {
  return `sub-${createHmac('sha256', secret).update(msisdn).digest('base64url').slice(0, 32)}`;
}

function compileMatcher(entries: ReadonlyArray<string>): (address: string) => boolean {
  const ranges = entries.map((e) => (e.includes('/') ? ipaddr.parseCIDR(e) : exact(e)));
  return (address) => {
    const parsed = parseAddress(address);
    return !!parsed && ranges.some((r) => r[0].kind() === parsed.kind() && parsed.match(r));
  };
}

function exact(address: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const parsed = ipaddr.process(address);
  return [parsed, parsed.kind() === 'ipv4' ? 32 : 128];
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}
