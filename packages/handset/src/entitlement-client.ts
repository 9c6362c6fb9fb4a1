import { createHmac } from 'node:crypto';
import { HandsetError } from './handset-error.js';

/** The SIM's side of the sandbox operator's TS.43-style entitlement service. */
export interface EntitlementSubscriber {
  readonly msisdn: string;
  readonly secret: string;
  /** The operator's base URL; the service is under `/ts43/v1`. */
  readonly entitlementUrl: string;
}

export type Fetch = typeof fetch;

const TIMEOUT_MS = 5_000;

/**
 * The simulated SIM authentication: the answer to a challenge is
 * base64url(HMAC-SHA256(utf8(secret), utf8(challenge))). It stands in for EAP-AKA (RFC 4187)
 * between the device and the Entitlement Configuration Server (GSMA TS.43), which is not simulated.
 */
export function challengeResponse(secret: string, challenge: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(challenge, 'utf8'))
    .digest('base64url');
}

/**
 * Guide Step 2, 1–2: authenticate the SIM at its operator's entitlement server and acquire the
 * TS.43 Temporary Token (GSMA TS.43 §2.8.6), which the server binds to the MSISDN.
 */
export async function acquireTemporaryToken(
  sim: EntitlementSubscriber,
  fetchFn: Fetch = fetch,
): Promise<string> {
  const base = `${sim.entitlementUrl.replace(/\/+$/, '')}/ts43/v1`;
  const { challenge } = await post(
    fetchFn,
    `${base}/challenge`,
    { msisdn: sim.msisdn },
    'challenge',
  );
  if (typeof challenge !== 'string' || !challenge)
    throw new HandsetError('entitlement_failed', 'the entitlement server sent no challenge');
  const response = challengeResponse(sim.secret, challenge);
  const answer = await post(
    fetchFn,
    `${base}/temporary-token`,
    { msisdn: sim.msisdn, challenge, response },
    'temporary-token',
  );
  if (typeof answer.temp_token !== 'string' || !answer.temp_token)
    throw new HandsetError('entitlement_failed', 'the entitlement server sent no temp_token');
  return answer.temp_token;
}

async function post(
  fetchFn: Fetch,
  url: string,
  body: Record<string, string>,
  step: string,
): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new HandsetError(
      'entitlement_failed',
      `the entitlement server is unreachable (${step})`,
      {
        cause: err,
      },
    );
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const answer = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  if (res.status !== 200) {
    const error = typeof answer.error === 'string' ? answer.error : 'no error code';
    throw new HandsetError(
      'entitlement_failed',
      `the entitlement server refused the ${step} request: ${res.status} ${error}`,
    );
  }
  if (!json || typeof json !== 'object')
    throw new HandsetError(
      'entitlement_failed',
      `the entitlement server's ${step} answer is not JSON`,
    );
  return answer;
}
