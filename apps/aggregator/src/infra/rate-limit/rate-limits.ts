import { createHmac } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { RateBucket, RateCounterStore, RateDecision, RateLimiter } from './rate-limiter.js';
import { createRateLimiter } from './rate-limiter.js';
import type { RateLimitConfig, RateLimitedEndpoint } from './rate-limit-config.js';

/** Who made a request: the source address, the client id, or both. */
export interface RateSubject {
  readonly ip?: string | undefined;
  readonly clientId?: string | undefined;
}

/**
 * The endpoints' view of rate limiting: one call per check, no I/O. A client id given to
 * `check` or `record` must be authenticated: only then does it get a bucket, so nobody can
 * spend another app's budget, nor fill the table with made-up ids (ADR 0001).
 */
export interface RateLimits {
  /** Counts the request against the subject's buckets, or refuses it. */
  check(endpoint: RateLimitedEndpoint, subject: RateSubject): RateDecision;
  /** Refuses when one of the subject's buckets is exhausted; counts and creates nothing. */
  peek(endpoint: RateLimitedEndpoint, subject: RateSubject): RateDecision;
  /** Counts a request already answered (a token issued to an authenticated client). */
  record(endpoint: RateLimitedEndpoint, subject: RateSubject): void;
  /** Reconciles with the shared counters now (also done every `syncMs`). */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

const ALLOWED: RateDecision = Object.freeze({ allowed: true });
/** Subjects per endpoint and dimension whose buckets are kept (cleared whole when full). */
const MEMO_SUBJECTS = 10_000;

export const unlimited: RateLimits = {
  check: () => ALLOWED,
  peek: () => ALLOWED,
  record: () => undefined,
  sync: async () => undefined,
  stop: async () => undefined,
};

/**
 * The bucket of an address: IPv4 as is, IPv6 by /64 (one subscriber's prefix, so a device
 * cannot dodge its limit by walking its own prefix); `::ffff:a.b.c.d` is IPv4.
 */
export function addressBucket(ip: string): string | undefined {
  if (!ip.includes(':')) return ip;
  if (!ipaddr.isValid(ip)) return undefined;
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/**
 * Keys as stored in the shared table: the endpoint and dimension in clear, the address or
 * client id as a keyed hash, so the table holds no device address (personal data).
 */
export function createBucketHasher(secret: Buffer): (key: string) => string {
  return (key) => {
    const cut = key.indexOf(':', key.indexOf(':') + 1);
    const digest = createHmac('sha256', secret).update(key).digest('base64url').slice(0, 22);
    return `${key.slice(0, cut)}:${digest}`;
  };
}

export interface RateLimitsDeps {
  readonly store: RateCounterStore;
  readonly clock?: () => number;
  readonly onSyncError?: (err: unknown) => void;
  readonly onSyncRecovered?: () => void;
}

/** Per-client and per-address limits of each endpoint, on one limiter, synced periodically. */
export function createRateLimits(config: RateLimitConfig, deps: RateLimitsDeps): RateLimits {
  if (!config.enabled) return unlimited;
  const limiter: RateLimiter = createRateLimiter({
    windowMs: config.windowMs,
    store: deps.store,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  let failing = false;
  const sync = () =>
    limiter.sync().then(
      () => {
        if (failing) deps.onSyncRecovered?.();
        failing = false;
      },
      (err: unknown) => {
        if (!failing) deps.onSyncError?.(err);
        failing = true;
      },
    );
  const timer = setInterval(() => void sync(), config.syncMs);
  timer.unref();

  // The proxy asks twice a call, by address then by client: the same few subjects again
  // and again. Their buckets (keys built, IPv6 reduced to /64) are kept, a bounded number.
  type Memo = Record<'ip' | 'client', Map<string, readonly RateBucket[]>>;
  const memo = new Map<RateLimitedEndpoint, Memo>();
  function remembered(
    endpoint: RateLimitedEndpoint,
    dimension: 'ip' | 'client',
    value: string,
  ): readonly RateBucket[] {
    let tables = memo.get(endpoint);
    if (!tables) memo.set(endpoint, (tables = { ip: new Map(), client: new Map() }));
    const byValue = tables[dimension];
    let found = byValue.get(value);
    if (!found) {
      found = buckets(endpoint, dimension === 'ip' ? { ip: value } : { clientId: value });
      if (byValue.size >= MEMO_SUBJECTS) byValue.clear();
      byValue.set(value, found);
    }
    return found;
  }
  function bucketsOf(endpoint: RateLimitedEndpoint, subject: RateSubject): readonly RateBucket[] {
    if (subject.clientId === undefined && subject.ip !== undefined)
      return remembered(endpoint, 'ip', subject.ip);
    if (subject.ip === undefined && subject.clientId !== undefined)
      return remembered(endpoint, 'client', subject.clientId);
    return buckets(endpoint, subject);
  }

  function buckets(endpoint: RateLimitedEndpoint, subject: RateSubject): RateBucket[] {
    const { perClient, perIp } = config.limits[endpoint];
    const found: RateBucket[] = [];
    const address = subject.ip === undefined ? undefined : addressBucket(subject.ip);
    if (address !== undefined && perIp > 0)
      found.push({ key: `${endpoint}:ip:${address}`, limit: perIp });
    if (subject.clientId !== undefined && perClient > 0)
      found.push({ key: `${endpoint}:client:${subject.clientId}`, limit: perClient });
    return found;
  }

  return {
    check(endpoint, subject) {
      const found = bucketsOf(endpoint, subject);
      return found.length === 0 ? ALLOWED : limiter.take(found);
    },
    peek: (endpoint, subject) => limiter.peek(bucketsOf(endpoint, subject)),
    record: (endpoint, subject) => limiter.record(bucketsOf(endpoint, subject)),
    sync,
    async stop() {
      clearInterval(timer);
      await sync();
    },
  };
}
