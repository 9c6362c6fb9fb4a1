import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { Operator, RouteMatch } from '@switchboard/telco-finder';
import { urlRefusal, type EgressPolicy } from '../infra/egress/egress-policy.js';
import { ttlCached } from '../infra/ttl-cache.js';
import type { FinderSearchResult, SecondLevelFinder, SecondLevelRequest } from './finder-search.js';
import { withMachineToken, type OperatorMachineTokens } from './operator-machine-tokens.js';

export interface SecondLevelFinderDeps {
  /** Switchboard's client-credentials tokens at the operator publishing the dynamic rule. */
  readonly tokens: OperatorMachineTokens;
  /** The egress of URLs operators chose (the second-level finder's URL came from a table). */
  readonly egress: { readonly dispatcher: Dispatcher; readonly policy: EgressPolicy };
  readonly timeoutMs: number;
  /** How long an answer (a 404 too) is remembered; 0 asks every time. */
  readonly cacheTtlMs: number;
}

// OPG.10 "Telco Finder Interface": the answer's fields, as the spec names them.
const answer = z.looseObject({
  operatorId: z.string().min(1).max(128),
  apiRoot: z.string().max(2048).optional(),
  authProviderConfiguration: z.string().max(2048).optional(),
});

/**
 * GSMA OPG.10 "Dynamic Routing": `POST {telcoFinder}/search` at the operator's own telco
 * finder, with the caller's target and flags and Switchboard's client-credentials token at
 * that operator ("Auth with TelcoX"). 404 means no brand of the operator serves the target.
 */
export function createSecondLevelFinderClient(deps: SecondLevelFinderDeps): SecondLevelFinder {
  async function call(
    op: Operator,
    url: string,
    body: SecondLevelRequest,
    token: string,
  ): Promise<FinderSearchResult | undefined | 401> {
    const refusal = urlRefusal(deps.egress.policy, url, 'telcoFinder', { httpsOnly: false });
    if (refusal) throw new Error(refusal);
    const res = await request(url, {
      dispatcher: deps.egress.dispatcher,
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
      headersTimeout: deps.timeoutMs,
      bodyTimeout: deps.timeoutMs,
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    const text = await res.body.text();
    if (res.statusCode === 401) return 401;
    if (res.statusCode === 404) return undefined;
    if (res.statusCode !== 200)
      throw new Error(`the telco finder of operator ${op.id} answered HTTP ${res.statusCode}`);
    const parsed = answer.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new Error(`the telco finder of operator ${op.id} answered no operatorId`);
    return only(parsed.data, body);
  }
  const ask = (match: RouteMatch, body: SecondLevelRequest) => {
    const url = `${match.dynamic!.telcoFinder.replace(/\/+$/, '')}/search`;
    return withMachineToken(deps.tokens, match.operator, (token) =>
      call(match.operator, url, body, token),
    );
  };
  if (deps.cacheTtlMs <= 0) return { search: ask };
  const pending = new Map<string, [RouteMatch, SecondLevelRequest]>();
  // ttlCached calls the loader synchronously on a miss, so `pending` never outlives a call.
  const cached = ttlCached(deps.cacheTtlMs, (key) => ask(...pending.get(key)!));
  return {
    search(match, body) {
      const key = JSON.stringify([match.operator.id, match.dynamic!.telcoFinder, body]);
      pending.set(key, [match, body]);
      try {
        return cached(key);
      } finally {
        pending.delete(key);
      }
    },
  };
}

/** The fields asked for, and no others (the answer passes to the caller). */
function only(a: z.output<typeof answer>, body: SecondLevelRequest): FinderSearchResult {
  return {
    operatorId: a.operatorId,
    ...(body.includeApiRoot && a.apiRoot !== undefined ? { apiRoot: a.apiRoot } : {}),
    ...(body.includeAuthProviderConfiguration && a.authProviderConfiguration !== undefined
      ? { authProviderConfiguration: a.authProviderConfiguration }
      : {}),
  };
}
