import type { RequestListener } from 'node:http';
import type { SwitchboardMetrics } from '../infra/metrics/metrics.js';
import { createUsageRecorder, type UsageRecorder } from '../usage/usage-recorder.js';
import type { UsageSink } from '../usage/usage-record.js';
import type { VerificationObserver } from '../verifications/verification-observer.js';
import { createApiCatalog, type ApiCatalog } from './api-catalog.js';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import type { SecurityHeaderSet } from './http-proxy-io.js';
import { createProxyFront, type ProxyFront } from './http-proxy-listener.js';
import type { ProxyConfig } from './proxy-config.js';
import type { JtiStore, ProxyDeps, TokenVerifier } from './proxy-context.js';
import { createProxyPipeline, type ProxyPipeline } from './proxy-pipeline.js';
import { createProxyTelemetry } from './proxy-telemetry.js';
import {
  createUpstreamPool,
  type UpstreamConnections,
  type UpstreamPool,
} from './upstream-pool.js';

export interface ProxyWiring {
  readonly config: ProxyConfig;
  readonly tokenVerifier: TokenVerifier;
  readonly jtiStore?: JtiStore;
  readonly isRegisteredApiRoot: ProxyDeps['isRegisteredApiRoot'];
  readonly offersApi?: ProxyDeps['offersApi'];
  /** How connections to an operator's api root are opened (the operator egress). */
  readonly connections?: UpstreamConnections;
  readonly metrics?: SwitchboardMetrics;
  /** Where usage records go (`createUsageStore(knex)`); omitted → no metering. */
  readonly usageSink?: UsageSink;
  readonly onUsageWriteError?: (err: unknown) => void;
  readonly clock?: () => number;
  readonly limits?: ProxyDeps['limits'];
  readonly sourceIp?: ProxyDeps['sourceIp'];
  /** The listener's security headers per request (HSTS behind TRUST_PROXY). */
  readonly securityHeaders?: SecurityHeaderSet;
  /** An answer that could not be sent (a bug in sending, never a CAMARA error). */
  readonly onError?: (err: unknown) => void;
  /** Traces: each call a span of its verification's trace, `traceparent` to the operator. */
  readonly observer?: VerificationObserver;
}

export interface Proxy {
  /** What the aggregator serves: the public listener's front handler (`Listener.serve`). */
  readonly front: ProxyFront;
  /** `front` as a whole listener: `http.createServer(proxy.listener(app))`. */
  listener(fallback: RequestListener): RequestListener;
  readonly catalog: ApiCatalog;
  readonly pipeline: ProxyPipeline;
  readonly breaker: CircuitBreaker;
  readonly upstream: UpstreamPool;
  readonly usage: UsageRecorder | undefined;
  /** After the HTTP server has drained: writes pending usage, closes operator sockets. */
  close(): Promise<void>;
}

function createUsage(w: ProxyWiring): UsageRecorder | undefined {
  if (!w.usageSink) return undefined;
  const { metrics } = w;
  return createUsageRecorder({
    sink: w.usageSink,
    options: w.config.usage,
    ...(metrics
      ? { onDepth: metrics.setUsageBufferDepth, onDropped: metrics.recordDroppedUsage }
      : {}),
    ...(w.onUsageWriteError ? { onWriteError: w.onUsageWriteError } : {}),
  });
}

/** PROXY_SINGLE_USE_TOKENS as a predicate on the called API's name. */
function singleUsePredicate(policy: ProxyConfig['singleUse']): (api: string) => boolean {
  if (policy.all) return () => true;
  const names = new Set(policy.apis);
  return (api) => names.has(api);
}

/** Composition of the proxy parts, so the app wires the whole proxy in a few lines. */
export function createProxy(w: ProxyWiring): Proxy {
  const { config, metrics } = w;
  const catalog = createApiCatalog(config.apis);
  const singleUse = singleUsePredicate(config.singleUse);
  if (catalog.apis.some((api) => singleUse(api.name)) && !w.jtiStore) {
    throw new Error('PROXY_SINGLE_USE_TOKENS: single-use tokens need a jtiStore');
  }
  const upstream = createUpstreamPool(config.upstream, w.connections);
  const breaker = createCircuitBreaker({
    ...config.circuit,
    ...(w.clock ? { clock: w.clock } : {}),
    ...(metrics ? { onStateChange: (key, state) => metrics.setCircuitState(key, state) } : {}),
  });
  const usage = createUsage(w);
  const pipeline = createProxyPipeline({
    catalog,
    tokenVerifier: w.tokenVerifier,
    ...(w.jtiStore ? { jtiStore: w.jtiStore } : {}),
    singleUse,
    isRegisteredApiRoot: w.isRegisteredApiRoot,
    ...(w.offersApi ? { offersApi: w.offersApi } : {}),
    upstream,
    breaker,
    ...(w.clock ? { clock: w.clock } : {}),
    ...(w.limits ? { limits: w.limits } : {}),
    ...(w.sourceIp ? { sourceIp: w.sourceIp } : {}),
    ...(w.observer?.tracing.enabled ? { tracing: w.observer.tracing } : {}),
    onComplete: createProxyTelemetry({
      ...(metrics ? { metrics } : {}),
      ...(usage ? { usage } : {}),
      ...(w.observer ? { observer: w.observer } : {}),
    }),
  });
  const frontDeps = {
    catalog,
    pipeline,
    maxRequestBytes: config.maxRequestBytes,
    ...(w.securityHeaders ? { securityHeaders: w.securityHeaders } : {}),
    ...(w.onError ? { onError: w.onError } : {}),
  };
  const front = createProxyFront(frontDeps);
  return {
    front,
    listener: (fallback) => (req, res) => front(req, res, fallback),
    catalog,
    pipeline,
    breaker,
    upstream,
    usage,
    async close() {
      try {
        await usage?.close();
      } finally {
        await upstream.close();
      }
    },
  };
}
