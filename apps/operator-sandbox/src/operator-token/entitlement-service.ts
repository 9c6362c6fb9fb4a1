import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PHONE_NUMBER_PATTERN } from '@switchboard/camara';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { OperatorTokenConfig } from './operator-token-config.js';
import type { TempTokenLedger } from './temp-token-ledger.js';

/**
 * A TS.43-style Entitlement Configuration Server (GSMA TS.43 §2.8.6 "Temporary Token"), as the
 * guide's Step 2 uses it: the device authenticates the SIM, then acquires a temp_token bound to
 * the MSISDN. **SIM authentication is simulated**: the answer to a challenge is
 * base64url(HMAC-SHA256(utf8(secret), utf8(challenge))) with the SIM's configured secret; real
 * EAP-AKA (RFC 4187) over TS.43 is out of scope.
 */
export interface EntitlementService {
  /** `POST /ts43/v1/challenge` `{msisdn}`. */
  challenge(body: unknown): { challenge: string; expires_in: number };
  /** `POST /ts43/v1/temporary-token` `{msisdn, challenge, response}`. */
  temporaryToken(body: unknown): { temp_token: string; expires_in: number };
}

export type EntitlementErrorCode =
  'invalid_request' | 'unknown_subscriber' | 'authentication_failed';

/** A refused entitlement request; the router maps `error` to 400 / 404 / 401. */
export class EntitlementError extends Error {
  override readonly name = 'EntitlementError';
  constructor(
    readonly error: EntitlementErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

/** How long a challenge can be answered. */
export const CHALLENGE_TTL_SECONDS = 60;
/** Beyond this many open challenges the oldest are dropped (memory stays bounded). */
const MAX_CHALLENGES = 10_000;

const e164 = z.string().regex(PHONE_NUMBER_PATTERN, "must be E.164 with '+'");
const challengeRequest = z.strictObject({ msisdn: e164 });
const tokenRequest = z.strictObject({
  msisdn: e164,
  challenge: z.string().min(1).max(256),
  response: z.string().min(1).max(256),
});

export interface EntitlementServiceDeps {
  readonly sims: OperatorTokenConfig['sims'];
  readonly ledger: TempTokenLedger;
  readonly clock: Clock;
  readonly logger: Logger;
}

export function createEntitlementService(deps: EntitlementServiceDeps): EntitlementService {
  const secrets = new Map(deps.sims.map((sim) => [sim.msisdn, sim.secret]));
  const challenges = new Map<string, { msisdn: string; expiresAt: number }>();
  // Challenges are kept in issue order: a sweep stops at the first one still open.
  const sweep = (now: number) => {
    for (const [value, c] of challenges) {
      if (c.expiresAt > now) break;
      challenges.delete(value);
    }
  };
  const makeRoom = () => {
    for (const value of challenges.keys()) {
      if (challenges.size < MAX_CHALLENGES) break;
      challenges.delete(value);
    }
  };
  const secretOf = (msisdn: string) => {
    const secret = secrets.get(msisdn);
    if (!secret)
      throw new EntitlementError(
        'unknown_subscriber',
        'no SIM with that MSISDN has an entitlement',
      );
    return secret;
  };
  return {
    challenge(body) {
      const { msisdn } = parse(challengeRequest, body);
      secretOf(msisdn);
      const now = deps.clock.now();
      sweep(now);
      makeRoom();
      const challenge = randomBytes(32).toString('base64url');
      challenges.set(challenge, { msisdn, expiresAt: now + CHALLENGE_TTL_SECONDS * 1000 });
      return { challenge, expires_in: CHALLENGE_TTL_SECONDS };
    },
    temporaryToken(body) {
      const request = parse(tokenRequest, body);
      const secret = secretOf(request.msisdn);
      const now = deps.clock.now();
      sweep(now);
      // A challenge works once, whatever the answer: no guessing against one challenge.
      const open = challenges.get(request.challenge);
      challenges.delete(request.challenge);
      if (!open || open.msisdn !== request.msisdn)
        throw new EntitlementError(
          'authentication_failed',
          'the challenge is unknown, expired, already used or issued for another SIM',
        );
      if (!sameText(request.response, expectedResponse(secret, request.challenge)))
        throw new EntitlementError(
          'authentication_failed',
          'the response does not answer the challenge',
        );
      const { token, expiresIn } = deps.ledger.issue(request.msisdn);
      deps.logger.info('temp_token issued', { expiresIn });
      return { temp_token: token, expires_in: expiresIn };
    },
  };
}

/** The simulated SIM's answer (stands in for EAP-AKA's RES, RFC 4187). */
export function expectedResponse(secret: string, challenge: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(challenge, 'utf8'))
    .digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw new EntitlementError(
    'invalid_request',
    issue.code === 'unrecognized_keys'
      ? `unknown properties: ${(issue as { keys: string[] }).keys.join(', ')}`
      : field
        ? `${field}: ${issue.message}`
        : `the body must be a JSON object (${issue.message})`,
  );
}
