import {
  InputError,
  parseRoutingTable,
  UpstreamError,
  type Operator,
} from '@switchboard/telco-finder';
import { discoveryUrlRefusal } from '../infra/egress/discovery-urls.js';
import { urlRefusal, type EgressPolicy } from '../infra/egress/egress-policy.js';
import type { GetJson } from '../infra/egress/outbound-json.js';

export interface EndpointChange {
  issuerUrl?: string;
  apiRoot?: string;
  routingUrl?: string | null;
}

export interface EndpointValidationDeps {
  readonly getJson: GetJson;
  /**
   * The rules of URLs operators choose (egress-policy.ts `operatorChosenPolicy`): outside
   * OPERATOR_DEV_MODE https only, and no localhost or special-purpose host.
   */
  readonly policy: EgressPolicy;
}

const HTTPS_ONLY = { httpsOnly: true };

/**
 * Checks an operator's new endpoints before they take effect; throws an InputError and
 * changes nothing when one fails. The issuer must serve OpenID Provider metadata naming
 * itself (OpenID Connect Discovery 1.0 §4.3) whose every URL Switchboard may call or send a
 * browser to passes the same rules as the issuer, the routing URL a GSMA routing table
 * (OPG.10) of this operator.
 */
export async function validateEndpointChange(
  current: Pick<Operator, 'id' | 'issuerUrl' | 'apiRoot'>,
  change: EndpointChange,
  deps: EndpointValidationDeps,
): Promise<void> {
  for (const field of ['issuerUrl', 'apiRoot', 'routingUrl'] as const) {
    const url = change[field];
    // The api root is not fetched here, so its host is judged now; the issuer and routing URL
    // also go through the connect-time guard of getJson.
    const refusal = typeof url === 'string' && urlRefusal(deps.policy, url, field, HTTPS_ONLY);
    if (refusal) throw new InputError(refusal);
  }
  if (change.issuerUrl !== undefined) await checkIssuer(change.issuerUrl, deps);
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

async function checkIssuer(issuer: string, deps: EndpointValidationDeps): Promise<void> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const doc = (await fetched(url, 'issuerUrl', deps.getJson)) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new InputError(`issuerUrl: ${url} is not OpenID Provider metadata`);
  if (doc.issuer !== issuer)
    throw new InputError(
      `issuerUrl: the discovery document at ${url} names issuer ${JSON.stringify(doc.issuer)}, not ${JSON.stringify(issuer)}`,
    );
  for (const endpoint of ['authorization_endpoint', 'token_endpoint'])
    if (typeof doc[endpoint] !== 'string')
      throw new InputError(`issuerUrl: the discovery document at ${url} has no ${endpoint}`);
  // The flow would send the browser, Switchboard's client credentials, the code and the PKCE
  // verifier to these URLs: they meet the issuer's own rules (checked again at flow time).
  const refusal = discoveryUrlRefusal(doc, (value, label) =>
    urlRefusal(deps.policy, value, label, HTTPS_ONLY),
  );
  if (refusal) throw new InputError(`issuerUrl: the discovery document at ${url}: ${refusal}`);
}

async function fetched(url: string, field: string, getJson: GetJson): Promise<unknown> {
  try {
    return await getJson(url);
  } catch (e) {
    if (e instanceof UpstreamError) throw new InputError(`${field}: ${e.message}`);
    throw e;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
