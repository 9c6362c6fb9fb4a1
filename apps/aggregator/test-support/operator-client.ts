import type { JWK } from 'jose';
import { runCli } from '@switchboard/cli/test-support';
import type { Aggregator } from '../src/app.js';
import { hashToken } from '../src/admin/admin-tokens.js';
import { insertAdminToken } from '../src/admin/store/admin-token-store.js';
import { assertion } from './core-fixture.js';

/** An operator's client of the operator API, as `switchboard operators credentials` makes it. */
export interface OperatorClient {
  id: string;
  jwk: JWK;
}

export async function operatorClient(agg: Aggregator, operatorId: string): Promise<OperatorClient> {
  const created = await agg.clients.add({
    name: `${operatorId} operator API`,
    grantType: 'client_credentials',
    authMethod: 'private_key_jwt',
    generateKey: true,
    operatorId,
  });
  return { id: created.client.id, jwk: created.privateJwk! };
}

/** client_credentials with private_key_jwt at the aggregator's token endpoint. */
export async function requestToken(
  agg: Aggregator,
  client: OperatorClient,
  scope = 'operator:manage',
) {
  const res = await fetch(`${agg.publicUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(client, agg.issuer),
    }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function operatorToken(agg: Aggregator, client: OperatorClient): Promise<string> {
  const r = await requestToken(agg, client);
  if (r.status !== 200) throw new Error(`token request failed: ${JSON.stringify(r.body)}`);
  return String(r.body.access_token);
}

export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
}

/** One call of `/operators/v1/operators/…` with a bearer token. */
export async function callOperatorApi(
  agg: Aggregator,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const res = await fetch(`${agg.publicUrl}/operators/v1/operators/${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A new admin token of this aggregator (admin API, console sign-in), named `label`. */
export async function issueAdminToken(agg: Aggregator, label = 'operator tests'): Promise<string> {
  const token = `sbadm_test_${Math.random().toString(36).slice(2)}_0123456789`;
  await insertAdminToken(agg.database.knex, label, hashToken(token));
  return token;
}

/** The `switchboard` CLI in-process against this aggregator's admin API. */
export async function adminCli(agg: Aggregator) {
  const token = await issueAdminToken(agg);
  return (...argv: string[]) => runCli({ adminUrl: agg.adminUrl, adminToken: token }, argv);
}
