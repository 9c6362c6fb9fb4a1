import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { SavedVerification } from '@switchboard/sdk';

export type UseCase = 'login' | 'transfer' | 'details';

/** A verification under way: what completeVerification needs, and what the user typed. */
export interface PendingFlow {
  readonly saved: SavedVerification;
  readonly phoneNumber: string;
  readonly useCase: UseCase;
  /** "Check details": what the customer typed, to match against the operator's record. */
  readonly fields?: Readonly<Record<string, string>>;
}

/** A call-centre check under way (CIBA): what the status page needs to poll at the right pace. */
export interface CallCentreFlow {
  readonly authReqId: string;
  /** Seconds between polls; 5 more after each `slow_down` (CIBA Core §11). */
  readonly interval: number;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** When the status page last polled (ms), or when the request started. */
  readonly lastPollAt: number;
  readonly phoneNumber: string;
  /** KYC Match: what the caller said, to match against the operator's record. */
  readonly fields?: Readonly<Record<string, string>>;
}

export interface DemoSession {
  readonly csrf: string;
  readonly pending?: PendingFlow | undefined;
  readonly callCentre?: CallCentreFlow | undefined;
  /** "Verify with your SIM" under way: the id of its flow, kept on the server (sim-flows.ts). */
  readonly sim?: string | undefined;
}

export interface SessionCookie {
  /** The session in the request's cookie, or a fresh one (with a new CSRF token). */
  read(req: Request): DemoSession;
  write(res: Response, session: DemoSession): void;
}

const COOKIE = 'demo_session';
const MAX_AGE_MS = 30 * 60_000;

/**
 * The whole session lives in one cookie sealed with AES-256-GCM: authenticated (a forged or
 * altered cookie is a fresh session) and confidential, because it holds the PKCE verifier.
 */
export function createSessionCookie(options: { secret: string; secure: boolean }): SessionCookie {
  const key = createHash('sha256').update(`demo-app session v1\0${options.secret}`).digest();
  const fresh = (): DemoSession => ({ csrf: randomBytes(24).toString('base64url') });
  return {
    read(req) {
      const sealed = readCookie(req.headers.cookie, COOKIE);
      return (sealed && unseal(key, sealed)) || fresh();
    },
    write(res, session) {
      res.cookie(COOKIE, seal(key, session), {
        httpOnly: true,
        // Lax: the callback is a top-level GET navigation back from the provider.
        sameSite: 'lax',
        secure: options.secure,
        maxAge: MAX_AGE_MS,
        path: '/',
      });
    },
  };
}

function seal(key: Buffer, session: DemoSession): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function unseal(key: Buffer, sealed: string): DemoSession | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const json = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
    const session = JSON.parse(json.toString('utf8')) as DemoSession;
    return typeof session.csrf === 'string' ? session : undefined;
  } catch {
    return undefined;
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
