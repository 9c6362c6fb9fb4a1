import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestTallies, type RequestTally } from './proxy-request-tally.js';

/** Circuit gauge values: 0 closed, 1 half-open, 2 open (alert on > 0). */
export const CIRCUIT_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

export type FinderLookupResult = 'found' | 'not-found' | 'error';

export interface ProxyRequestLabels {
  readonly operator: string;
  readonly api: string;
  readonly operation: string;
  readonly status: number;
}

export interface SwitchboardMetrics {
  readonly registry: Registry;
  observeRequest(labels: ProxyRequestLabels, latencyMs: number): void;
  recordUpstreamError(operator: string, failure: string): void;
  setCircuitState(operator: string, state: keyof typeof CIRCUIT_STATE_VALUES): void;
  recordFinderLookup(result: FinderLookupResult): void;
  setUsageBufferDepth(depth: number): void;
  recordDroppedUsage(count: number): void;
  recordRoutingSync(operator: string, outcome: 'ok' | 'failed'): void;
  /** A 5xx Switchboard answered on its own account (the private part went to the log). */
  recordServerError(surface: string, code: string): void;
}

export interface MetricsOptions {
  /** Also collect the process metrics (CPU, memory, event loop lag). */
  readonly defaultMetrics?: boolean;
  readonly prefix?: string;
}

// Seconds, per Prometheus naming; buckets from 0.5 ms (our own cost) to 10 s (timeouts).
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

function defineInstruments(registry: Registry, p: string, usageDepth: { value: number }) {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labels: readonly L[]) =>
    new Counter({ name: `${p}${name}`, help, labelNames: labels, registers });
  return {
    requests: new RequestTallies(
      registry,
      { counter: `${p}proxy_requests_total`, histogram: `${p}proxy_request_duration_seconds` },
      {
        counter: 'Proxied CAMARA requests.',
        histogram: 'Time from request to answer, operator included.',
      },
      LATENCY_BUCKETS,
    ),
    upstreamErrors: counter(
      'proxy_upstream_errors_total',
      'Calls that got no usable answer from the operator, by failure.',
      ['operator', 'failure'],
    ),
    circuit: new Gauge({
      name: `${p}proxy_circuit_state`,
      help: 'Circuit breaker per operator: 0 closed, 1 half-open, 2 open.',
      labelNames: ['operator'] as const,
      registers,
    }),
    finder: counter('finder_lookups_total', 'Telco finder lookups by result.', ['result']),
    depth: new Gauge({
      name: `${p}usage_buffer_depth`,
      help: 'Usage records waiting to be written.',
      registers,
      // Every proxied call changes the depth: kept as a number, set only when scraped.
      collect() {
        this.set(usageDepth.value);
      },
    }),
    routingSync: counter(
      'routing_sync_total',
      'GSMA routing-table syncs by operator and outcome (failed: the last good table stays).',
      ['operator', 'result'],
    ),
    routingSyncSuccess: new Gauge({
      name: `${p}routing_sync_last_success_timestamp_seconds`,
      help: "Unix time of each operator's last successful routing-table sync.",
      labelNames: ['operator'] as const,
      registers,
    }),
    serverErrors: counter(
      'server_errors_total',
      "Answers with a 5xx status of Switchboard's own (not an operator's), by surface and CAMARA code.",
      ['surface', 'code'],
    ),
    dropped: counter(
      'usage_records_dropped_total',
      'Usage records dropped because the buffer was full while the database failed.',
      [],
    ),
  };
}

/** A private registry (never prom-client's global one), so tests and apps stay isolated. */
export function createMetrics(options: MetricsOptions = {}): SwitchboardMetrics {
  const registry = new Registry();
  const prefix = options.prefix ?? 'switchboard_';
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix });
  const usageDepth = { value: 0 };
  const m = defineInstruments(registry, prefix, usageDepth);
  // One plain tally per label set, read at scrape time: prom-client's labelled children
  // hash their labels on every call, which measured as much as the rest of the telemetry.
  // operator → api → operation → status: the label strings are the same objects call after
  // call (a cached grant's, the catalog's), whose hashes V8 keeps; a key string joined per
  // call was built, flattened and hashed anew each time.
  const tallies = new Map<string, Map<string, Map<string, Map<number, RequestTally>>>>();
  const tallyOf = (labels: ProxyRequestLabels): RequestTally => {
    let byApi = tallies.get(labels.operator);
    if (!byApi) tallies.set(labels.operator, (byApi = new Map()));
    let byOperation = byApi.get(labels.api);
    if (!byOperation) byApi.set(labels.api, (byOperation = new Map()));
    let byStatus = byOperation.get(labels.operation);
    if (!byStatus) byOperation.set(labels.operation, (byStatus = new Map()));
    let tally = byStatus.get(labels.status);
    if (!tally) {
      tally = m.requests.tally({ ...labels, status: String(labels.status) });
      byStatus.set(labels.status, tally);
    }
    return tally;
  };
  return {
    registry,
    observeRequest(labels, latencyMs) {
      m.requests.observe(tallyOf(labels), latencyMs / 1000);
    },
    recordUpstreamError: (operator, failure) => m.upstreamErrors.inc({ operator, failure }),
    setCircuitState: (operator, state) => m.circuit.set({ operator }, CIRCUIT_STATE_VALUES[state]),
    recordFinderLookup: (result) => m.finder.inc({ result }),
    setUsageBufferDepth: (n) => {
      usageDepth.value = n;
    },
    recordDroppedUsage: (n) => m.dropped.inc(n),
    recordServerError: (surface, code) => m.serverErrors.inc({ surface, code }),
    recordRoutingSync(operator, outcome) {
      m.routingSync.inc({ operator, result: outcome });
      if (outcome === 'ok') m.routingSyncSuccess.set({ operator }, Date.now() / 1000);
    },
  };
}
