import { request, type Dispatcher } from 'undici';
import type { Operator } from '@switchboard/telco-finder';
import { ttlCached } from '../infra/ttl-cache.js';
import { withMachineToken, type OperatorMachineTokens } from './operator-machine-tokens.js';
import type { NetworkIdResolver } from './finder-search.js';

/** GSMA OPG.10 "API End-points": the Network Id API under an operator's API root. */
export const NETWORK_ID_PATH = '/network-id/v0/resolve-network-id';

export interface NetworkIdClientDeps {
  /** Switchboard's client-credentials tokens at operators (their registered credentials). */
  readonly tokens: OperatorMachineTokens;
  /** The operator's keep-alive pool, under its egress policy (operator-egress.ts). */
  readonly dispatcher: (op: Operator) => Dispatcher;
  readonly timeoutMs: number;
  /** How long a number's network is remembered; 0 asks every time. */
  readonly cacheTtlMs: number;
}

const NETWORK_ID = /^[0-9]{5,6}$/;

/**
 * Asks the operator holding a number's prefix which network (MCC-MNC) the number belongs to
 * now, with Switchboard's client-credentials token there (a 401 is retried once with a fresh
 * token). Answers are kept for `cacheTtlMs`, failures never.
 */
export function createNetworkIdClient(deps: NetworkIdClientDeps): NetworkIdResolver {
  const ask = (op: Operator, phoneNumber: string) =>
    withMachineToken(deps.tokens, op, (token) => call(op, phoneNumber, token));
  async function call(op: Operator, phoneNumber: string, token: string): Promise<string | 401> {
    const res = await request(`${op.apiRoot.replace(/\/+$/, '')}${NETWORK_ID_PATH}`, {
      dispatcher: deps.dispatcher(op),
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ phoneNumber }),
      headersTimeout: deps.timeoutMs,
      bodyTimeout: deps.timeoutMs,
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    const text = await res.body.text();
    if (res.statusCode === 401) return 401;
    if (res.statusCode !== 200)
      throw new Error(`operator ${op.id} Network Id answered HTTP ${res.statusCode}`);
    const networkId = (JSON.parse(text) as { networkId?: unknown }).networkId;
    if (typeof networkId !== 'string' || !NETWORK_ID.test(networkId))
      throw new Error(`operator ${op.id} Network Id answered no MCC-MNC`);
    return networkId;
  }
  if (deps.cacheTtlMs <= 0) return { resolve: ask };
  const byOperator = new Map<string, Operator>();
  const cached = ttlCached(deps.cacheTtlMs, (key) => {
    const [operatorId, phoneNumber] = key.split(' ') as [string, string];
    return ask(byOperator.get(operatorId)!, phoneNumber);
  });
  return {
    resolve(op, phoneNumber) {
      byOperator.set(op.id, op);
      return cached(`${op.id} ${phoneNumber}`);
    },
  };
}
