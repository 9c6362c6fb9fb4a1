import { challengeResponse, type Fetch } from '../src/index.js';

export interface FakeEntitlement {
  /** A fetch that answers `/ts43/v1/challenge` and `/ts43/v1/temporary-token` in memory. */
  readonly fetch: Fetch;
  /** Every request it got: URL and JSON body. */
  readonly requests: Array<{ url: string; body: Record<string, unknown> }>;
  /** The temp_tokens it issued, by MSISDN. */
  readonly issued: Map<string, string>;
}

/**
 * An in-memory stand-in for the sandbox entitlement service (contract §1) for unit tests: it
 * knows `secrets` (MSISDN → SIM secret), checks the HMAC answer and issues a temp_token.
 */
export function createFakeEntitlement(secrets: Readonly<Record<string, string>>): FakeEntitlement {
  const requests: FakeEntitlement['requests'] = [];
  const issued = new Map<string, string>();
  let counter = 0;
  const answer = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    requests.push({ url, body });
    const secret = secrets[String(body.msisdn)];
    if (!secret) return answer(404, { error: 'unknown_subscriber' });
    if (url.endsWith('/ts43/v1/challenge'))
      return answer(200, { challenge: `challenge-${(counter += 1)}`, expires_in: 60 });
    if (url.endsWith('/ts43/v1/temporary-token')) {
      if (body.response !== challengeResponse(secret, String(body.challenge)))
        return answer(401, { error: 'authentication_failed' });
      const token = `temp-token-${(counter += 1)}`;
      issued.set(String(body.msisdn), token);
      return answer(200, { temp_token: token, expires_in: 120 });
    }
    return answer(404, { error: 'not_found' });
  }) as Fetch;
  return { fetch: fetchFn, requests, issued };
}
