import { createPublicKey } from 'node:crypto';
import type { ScenarioResult } from '@switchboard/contracts';
import type { Operator } from '@switchboard/telco-finder';
import { CIBA_GRANT, JWT_BEARER_GRANT } from '../../authorize/grant-types.js';
import type { EgressFetch } from '../../infra/egress/operator-egress.js';
import { errorText, isObject, probe, scenario } from '../operator-probe.js';

type Metadata = Record<string, unknown>;

const listOf = (m: Metadata, key: string): string[] =>
  Array.isArray(m[key]) ? (m[key] as unknown[]).filter((v) => typeof v === 'string') : [];

/** OIDC Discovery 1.0 §4: the document lives under the issuer (no trailing slash doubled). */
export const discoveryUrl = (issuer: string) =>
  `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;

/**
 * Discovery: the document and what CAMARA ICM r4.2 (`CAMARA-Security-Interoperability.md`)
 * asks of an operator's authorization server. Returns the metadata for the later scenarios.
 */
export async function discoveryScenarios(
  op: Operator,
  fetch: EgressFetch,
): Promise<{ results: ScenarioResult[]; metadata: Metadata | undefined }> {
  const url = discoveryUrl(op.issuerUrl);
  let metadata: Metadata | undefined;
  let got: string;
  try {
    const a = await probe(fetch, url);
    metadata = a.status === 200 && isObject(a.json) ? a.json : undefined;
    got = metadata ? '200 JSON object' : `${a.status}, not a JSON object`;
  } catch (err) {
    got = errorText(err);
  }
  const results = [scenario('discovery.document', `200 JSON at ${url}`, got, !!metadata)];
  if (!metadata) return { results, metadata };
  const m = metadata;
  // OIDC Discovery 1.0 §4.3: the issuer value MUST be identical to the issuer URL used.
  results.push(
    scenario('discovery.issuer', op.issuerUrl, String(m.issuer), m.issuer === op.issuerUrl),
  );
  results.push(await jwksScenario(m, fetch));
  const pkce = listOf(m, 'code_challenge_methods_supported');
  results.push(
    scenario(
      'discovery.pkce-s256',
      'S256 advertised',
      pkce.join(' ') || 'none',
      pkce.includes('S256'),
    ),
  );
  const auth = listOf(m, 'token_endpoint_auth_methods_supported');
  results.push(
    scenario(
      'discovery.private-key-jwt',
      'private_key_jwt advertised',
      auth.join(' ') || 'none',
      auth.includes('private_key_jwt'),
    ),
  );
  results.push(cibaScenario(m), jwtBearerScenario(m));
  return { results, metadata };
}

/** RFC 7517: the JWKS answers and holds at least one public signing key Node can use. */
async function jwksScenario(m: Metadata, fetch: EgressFetch): Promise<ScenarioResult> {
  const expected = 'jwks_uri answers a key set with a usable signing key';
  if (typeof m.jwks_uri !== 'string')
    return scenario('discovery.jwks', expected, 'no jwks_uri', false);
  try {
    const a = await probe(fetch, m.jwks_uri);
    const keys = isObject(a.json) && Array.isArray(a.json.keys) ? (a.json.keys as unknown[]) : [];
    const usable = keys.filter(
      (k) => isObject(k) && (k.use === undefined || k.use === 'sig') && importable(k),
    );
    return scenario(
      'discovery.jwks',
      expected,
      `${a.status}, ${keys.length} keys, ${usable.length} usable`,
      a.status === 200 && usable.length > 0,
    );
  } catch (err) {
    return scenario('discovery.jwks', expected, errorText(err), false);
  }
}

function importable(jwk: Record<string, unknown>): boolean {
  try {
    return createPublicKey({ key: jwk, format: 'jwk' }).type === 'public';
  } catch {
    return false;
  }
}

/**
 * ICM r4.2 "Client-Initiated Backchannel Authentication Flow": poll mode only. An operator
 * may offer no backend flow at all: nothing of CIBA advertised is informational; a partial
 * advertisement (an endpoint without poll mode or without the grant) is a failure.
 */
function cibaScenario(m: Metadata): ScenarioResult {
  const parts = [
    typeof m.backchannel_authentication_endpoint === 'string' ? 'endpoint' : '',
    listOf(m, 'backchannel_token_delivery_modes_supported').includes('poll') ? 'poll' : '',
    listOf(m, 'grant_types_supported').includes(CIBA_GRANT) ? 'grant' : '',
  ].filter(Boolean);
  const expected = 'backchannel endpoint, poll mode and the CIBA grant (or none: not offered)';
  if (parts.length === 0) return scenario('discovery.ciba', expected, 'not offered', 'info');
  return scenario('discovery.ciba', expected, parts.join(', '), parts.length === 3);
}

/** ICM r4.2 "JWT Bearer Flow" (RFC 7523): optional for an operator. */
function jwtBearerScenario(m: Metadata): ScenarioResult {
  const offered = listOf(m, 'grant_types_supported').includes(JWT_BEARER_GRANT);
  return scenario(
    'discovery.jwt-bearer',
    'the JWT-bearer grant (or not offered)',
    offered ? 'advertised' : 'not offered',
    offered ? 'pass' : 'info',
  );
}
