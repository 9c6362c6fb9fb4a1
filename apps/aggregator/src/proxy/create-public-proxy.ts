import type { Logger } from '@switchboard/telco-finder';
import type { AggregatorConfig } from '../config.js';
import { createDeviceIpResolver, createTrustedProxyCheck } from '../infra/http/device-ip.js';
import { createSecurityHeaderSet } from '../infra/http/security-headers.js';
import type { UsageSink } from '../usage/usage-record.js';
import type { SwitchboardMetrics } from '../infra/metrics/metrics.js';
import { createProxy, type Proxy, type ProxyWiring } from './create-proxy.js';
import type { JtiStore } from './proxy-context.js';
import type { RateLimits } from '../infra/rate-limit/rate-limits.js';
import { createProxyTokenVerifier, type ProxyTokenVerifierDeps } from './proxy-token-verifier.js';
import type { VerificationObserver } from '../verifications/verification-observer.js';

/** Where the public proxy's state lives: the database in the aggregator, memory in the bench. */
export interface PublicProxyPorts {
  readonly issuer: string;
  readonly keys: ProxyTokenVerifierDeps['keys'];
  readonly jtiStore: JtiStore;
  readonly isRegisteredApiRoot: ProxyWiring['isRegisteredApiRoot'];
  readonly offersApi?: ProxyWiring['offersApi'];
  /** The operator egress's connections (the bench connects directly). */
  readonly connections?: ProxyWiring['connections'];
  readonly usageSink: UsageSink;
  readonly limits: RateLimits;
  readonly metrics: SwitchboardMetrics;
  readonly logger: Logger;
  /** Traces of proxied calls (issue 17); omitted → none. */
  readonly observer?: VerificationObserver;
}

/**
 * Seed Annex steps 24–30 as the aggregator serves them: the CAMARA proxy with the JWE
 * verifier of the tokens it mints, rate limits, metrics, metering and the public
 * listener's security headers; attached as the listener's front handler (servers.ts).
 * One factory, so `bench/proxy.ts` measures exactly this composition.
 */
export function createPublicProxy(
  config: Pick<AggregatorConfig, 'proxy' | 'trustProxy'>,
  ports: PublicProxyPorts,
): Proxy {
  const { logger } = ports;
  return createProxy({
    config: config.proxy,
    tokenVerifier: createProxyTokenVerifier({ keys: ports.keys, issuer: ports.issuer }),
    jtiStore: ports.jtiStore,
    isRegisteredApiRoot: ports.isRegisteredApiRoot,
    ...(ports.offersApi ? { offersApi: ports.offersApi } : {}),
    ...(ports.connections ? { connections: ports.connections } : {}),
    metrics: ports.metrics,
    usageSink: ports.usageSink,
    onUsageWriteError: (err) =>
      logger.warn('usage records not written yet', { error: String(err) }),
    limits: ports.limits,
    ...(ports.observer ? { observer: ports.observer } : {}),
    sourceIp: createDeviceIpResolver(config.trustProxy),
    securityHeaders: createSecurityHeaderSet(createTrustedProxyCheck(config.trustProxy)),
    onError: (err) =>
      logger.error('CAMARA answer could not be sent', {
        err: String((err as Error)?.stack ?? err),
      }),
  });
}
