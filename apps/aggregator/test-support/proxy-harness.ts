import type { RequestListener } from 'node:http';
import express from 'express';
import { NV_SCOPES, camaraError } from '@switchboard/camara';
import { createApiCatalog, type ApiDefinition } from '../src/proxy/api-catalog.js';
import { createCircuitBreaker, type CircuitBreaker } from '../src/proxy/circuit-breaker.js';
import { createProxyListener } from '../src/proxy/http-proxy-listener.js';
import type {
  JtiStore,
  ProxyClaims,
  ProxyOutcome,
  TokenVerifier,
} from '../src/proxy/proxy-context.js';
import { createProxyPipeline } from '../src/proxy/proxy-pipeline.js';
import {
  createUpstreamPool,
  type UpstreamPool,
  type UpstreamPoolOptions,
} from '../src/proxy/upstream-pool.js';

export const ALL_V2 = [NV_SCOPES.v2.verify, NV_SCOPES.v2['device-phone-number']];

/** A token → claims table standing in for the AggregatorAccessToken (JWE) verifier. */
export class FakeTokenVerifier implements TokenVerifier {
  readonly tokens = new Map<string, ProxyClaims>();
  calls = 0;

  add(
    token: string,
    claims: Partial<ProxyClaims> & Pick<ProxyClaims, 'operatorId' | 'apiRoot'>,
  ): void {
    this.tokens.set(token, {
      operatorAccessToken: `operator-token-for-${token}`,
      scope: ALL_V2,
      clientId: 'client-1',
      jti: `jti-${token}`,
      exp: Math.floor(Date.now() / 1000) + 300,
      ...claims,
    });
  }

  async verify(bearer: string): Promise<ProxyClaims> {
    this.calls += 1;
    const claims = this.tokens.get(bearer);
    if (!claims) throw camaraError('UNAUTHENTICATED', 'The access token is invalid.');
    return claims;
  }
}

export class FakeJtiStore implements JtiStore {
  readonly seen = new Set<string>();
  /** Set to make every consume() fail with it (a database outage). */
  failure: Error | undefined;

  async consume(jti: string): Promise<boolean> {
    if (this.failure) throw this.failure;
    if (this.seen.has(jti)) return false;
    this.seen.add(jti);
    return true;
  }

  async giveBack(jti: string): Promise<void> {
    if (this.failure) throw this.failure;
    this.seen.delete(jti);
  }
}

export interface HarnessOptions {
  readonly registeredRoots: Record<string, string[]>;
  readonly singleUse?: boolean;
  readonly maxRequestBytes?: number;
  readonly upstream?: Partial<UpstreamPoolOptions>;
  readonly extraApis?: ApiDefinition[];
  readonly failureThreshold?: number;
  readonly onComplete?: (outcome: ProxyOutcome) => void;
}

export interface Harness {
  readonly app: RequestListener;
  readonly verifier: FakeTokenVerifier;
  readonly jtis: FakeJtiStore;
  readonly breaker: CircuitBreaker;
  readonly pool: UpstreamPool;
  advanceClock(ms: number): void;
}

/** The proxy in front of an express app, which keeps its own routes (/health, the rest). */
export function createHarness(options: HarnessOptions): Harness {
  let now = Date.now();
  const verifier = new FakeTokenVerifier();
  const jtis = new FakeJtiStore();
  const breaker = createCircuitBreaker({
    failureThreshold: options.failureThreshold ?? 3,
    coolDownMs: 10_000,
    clock: () => now,
  });
  // Generous by default: an operator stand-in that answers at once must never race a timeout,
  // however busy the machine. Tests of timeouts set short ones against a stand-in that hangs.
  const pool = createUpstreamPool({
    headersTimeoutMs: 10_000,
    responseTimeoutMs: 10_000,
    maxResponseBytes: 10_000,
    ...options.upstream,
  });
  const catalog = createApiCatalog(options.extraApis ?? []);
  const pipeline = createProxyPipeline({
    catalog,
    tokenVerifier: verifier,
    jtiStore: jtis,
    singleUse: () => options.singleUse ?? false,
    isRegisteredApiRoot: (operatorId, apiRoot) =>
      options.registeredRoots[operatorId]?.includes(apiRoot) ?? false,
    upstream: pool,
    breaker,
    ...(options.onComplete ? { onComplete: options.onComplete } : {}),
  });
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use((_req, res) => {
    res.status(404).json({ fellThrough: true });
  });
  // As in production: the node:http front answers catalog paths, express the rest.
  const listener = createProxyListener(
    { catalog, pipeline, maxRequestBytes: options.maxRequestBytes ?? 1_024 },
    app,
  );
  return {
    app: listener,
    verifier,
    jtis,
    breaker,
    pool,
    advanceClock: (ms) => (now += ms),
  };
}
