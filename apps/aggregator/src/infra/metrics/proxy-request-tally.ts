// Relies on prom-client's Registry reading only `name`, `help`, `type`, `aggregator`, `get()`
// and `reset()` of a registered metric (lib/registry.js, prom-client 15): the objects below
// are such metrics, whose values are plain tallies read at scrape time.
import type { Metric, MetricValue, Registry } from 'prom-client';

/** One label set of the proxy's request metrics, counted with plain numbers. */
export interface RequestTally {
  count: number;
  sumSeconds: number;
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  readonly buckets: number[];
}

type Labels = Record<string, string | number>;

interface TallyEntry {
  readonly labels: Labels;
  readonly tally: RequestTally;
}

/**
 * `<name>_total` (counter) and `<name>_duration_seconds` (histogram) of the same label sets,
 * fed by `tally(labels)` once per label set and then by plain increments per request: the
 * proxy's hot path does no label hashing, no object allocation and no validation, and
 * prom-client formats the same text at scrape time as its own Counter and Histogram would.
 */
export class RequestTallies {
  private readonly entries: TallyEntry[] = [];

  constructor(
    registry: Registry,
    private readonly names: { counter: string; histogram: string },
    private readonly help: { counter: string; histogram: string },
    private readonly bounds: readonly number[],
  ) {
    const reset = (): void => this.reset();
    register(registry, names.counter, help.counter, 'counter', () => this.counterValues(), reset);
    register(
      registry,
      names.histogram,
      help.histogram,
      'histogram',
      () => this.histogramValues(),
      reset,
    );
  }

  /** A new tally for `labels`; the caller keeps it (one per label set). */
  tally(labels: Labels): RequestTally {
    const tally = { count: 0, sumSeconds: 0, buckets: this.bounds.map(() => 0).concat(0) };
    this.entries.push({ labels, tally });
    return tally;
  }

  /** Counts one request of `seconds` into `tally`. */
  observe(tally: RequestTally, seconds: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    tally.buckets[i]!++;
    tally.count++;
    tally.sumSeconds += seconds;
  }

  private reset(): void {
    for (const { tally } of this.entries) {
      tally.count = 0;
      tally.sumSeconds = 0;
      tally.buckets.fill(0);
    }
  }

  private counterValues(): MetricValue<string>[] {
    return this.entries.map(({ labels, tally }) => ({ labels, value: tally.count }));
  }

  private histogramValues(): MetricValue<string>[] {
    const name = this.names.histogram;
    return this.entries.flatMap(({ labels, tally }) => {
      let cumulative = 0;
      const buckets = this.bounds.map((le, i) => {
        cumulative += tally.buckets[i]!;
        return { metricName: `${name}_bucket`, labels: { le, ...labels }, value: cumulative };
      });
      return [
        ...buckets,
        { metricName: `${name}_bucket`, labels: { le: '+Inf', ...labels }, value: tally.count },
        { metricName: `${name}_sum`, labels: { ...labels }, value: tally.sumSeconds },
        { metricName: `${name}_count`, labels: { ...labels }, value: tally.count },
      ];
    });
  }
}

function register(
  registry: Registry,
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  values: () => MetricValue<string>[],
  reset: () => void,
): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    // Registry.resetMetrics: every label set restarts from zero, as prom-client's would.
    reset,
  };
  registry.registerMetric(metric as unknown as Metric);
}
