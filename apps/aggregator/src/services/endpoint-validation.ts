import {
  InputError,
  isForbiddenHost,
  parseRoutingTable,
  UpstreamError,
  type Operator,
} from '@switchboard/telco-finder';
import type { GetJson } from './outbound-json.js';

export interface EndpointChange {
  issuerUrl?: string;
  apiRoot?: string;
  routingUrl?: string | null;
}

export interface EndpointValidationDeps {
  readonly getJson: GetJson;
  /** Development: http:// endpoints are accepted (the sandboxes). */
  readonly devMode: boolean;
}

/**
 * Checks an operator's new endpoints before they take effect; throws an InputError and
 * changes nothing when one fails. The issuer must serve OpenID Provider metadata naming
 * itself (OpenID Connect Discovery 1.0 §4.3), the routing URL a GSMA routing table
 * (OPG.10) of this operator, and outside development every URL must be https.
 */
export async function validateEndpointChange(
  current: Pick<Operator, 'id' | 'issuerUrl' | 'apiRoot'>,
  change: EndpointChange,
  deps: EndpointValidationDeps,
): Promise<void> {
  for (const field of ['issuerUrl', 'apiRoot', 'routingUrl'] as const) {
    const url = change[field];
    if (typeof url !== 'string' || deps.devMode) continue;
    if (!url.startsWith('https:')) throw new InputError(`${field} must be an https URL`);
    // The issuer and routing URL are fetched through the connect-time guard of getJson; the
    // api root is not fetched here, so a literal private address is refused now (SSRF).
    const host = hostOf(url);
    if (host !== undefined && isForbiddenHost(host))
      throw new InputError(
        `${field}: ${host} is a loopback or private host (allowed only with OPERATOR_DEV_MODE)`,
      );
  }
  if (change.issuerUrl !== undefined) await checkIssuer(change.issuerUrl, deps.getJson);
  if (typeof change.routingUrl === 'string') {
    const body = await fetched(change.routingUrl, 'routingUrl', deps.getJson);
    try {
      const { issuerUrl, apiRoot } = change;
      parseRoutingTable(body, { ...current, ...stripUndefined({ issuerUrl, apiRoot }) });
    } catch (e) {
      throw new InputError(`routingUrl: ${(e as Error).message}`);
    }
  }
}

async function checkIssuer(issuer: string, getJson: GetJson): Promise<void> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const doc = (await fetched(url, 'issuerUrl', getJson)) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object')
    throw new InputError(`issuerUrl: ${url} is not OpenID Provider metadata`);
  if (doc.issuer !== issuer)
    throw new InputError(
      `issuerUrl: the discovery document at ${url} names issuer ${JSON.stringify(doc.issuer)}, not ${JSON.stringify(issuer)}`,
    );
  for (const endpoint of ['authorization_endpoint', 'token_endpoint'])
    if (typeof doc[endpoint] !== 'string')
      throw new InputError(`issuerUrl: the discovery document at ${url} has no ${endpoint}`);
}

async function fetched(url: string, field: string, getJson: GetJson): Promise<unknown> {
  try {
    return await getJson(url);
  } catch (e) {
    if (e instanceof UpstreamError) throw new InputError(`${field}: ${e.message}`);
    throw e;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
