import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Context,
  type Tracer,
} from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { guardAttributes } from './attribute-guard.js';
import { subscribeOutboundTraceparent } from './outbound-traceparent.js';
import { PresetIdGenerator } from './preset-id-generator.js';
import type { TracingConfig } from './tracing-config.js';
import { formatTraceparent, verificationTraceIds } from './trace-ids.js';

/** One finished step of a verification, recorded as a span after the fact. */
export interface StepSpan {
  readonly name: string;
  readonly verificationId: string;
  /** Milliseconds since the epoch. */
  readonly startTime: number;
  readonly endTime: number;
  readonly attributes: Readonly<Record<string, string | number | undefined>>;
  /** An OAuth/CAMARA error code: the span's status is ERROR. */
  readonly error?: string | undefined;
  readonly kind?: SpanKind;
  /** The verification's first step: the trace's root span (or the app's span's child). */
  readonly root?: boolean;
  /** Chosen beforehand, when a request made during the step already named it in `traceparent`. */
  readonly spanId?: string | undefined;
}

/** Where a verification's spans go: its trace, and whether it is sampled. */
export interface VerificationTrace {
  readonly traceId: string;
  readonly rootSpanId: string;
  readonly sampled: boolean;
}

export interface Tracing {
  /** False: no SDK was started; callers check this one boolean and do nothing else. */
  readonly enabled: boolean;
  /** An app's `traceparent` on /authorize: the verification joins the app's trace. */
  adopt(verificationId: string, traceparent: string | undefined): void;
  traceOf(verificationId: string): VerificationTrace;
  span(step: StepSpan): void;
  /** A span id and its `traceparent` for a request sent during a step; undefined unless sampled. */
  outgoing(verificationId: string): { spanId: string; traceparent: string } | undefined;
  /** Runs `fn` so that the operator requests it makes (undici) send this verification's traceparent. */
  within<T>(verificationId: string, fn: () => T): T;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export const TRACING_OFF: Tracing = Object.freeze({
  enabled: false,
  adopt: () => undefined,
  traceOf: (verificationId: string) => ({
    ...verificationTraceIds(verificationId),
    sampled: false,
  }),
  span: () => undefined,
  outgoing: () => undefined,
  within: <T>(_verificationId: string, fn: () => T) => fn(),
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
});

export interface TracingDeps {
  /** Tests and the bench; the OTLP/HTTP (protobuf) exporter to `tracesUrl` by default. */
  readonly exporter?: SpanExporter;
  /** How long spans wait for their batch; the SDK's default is 5 s. */
  readonly scheduledDelayMillis?: number;
}

/** Adopted app traces kept this long (a verification lasts minutes at most), this many at most. */
const ADOPTED_TTL_MS = 15 * 60_000;
const ADOPTED_MAX = 10_000;

/** Starts the OpenTelemetry trace SDK when configured; otherwise TRACING_OFF (no SDK at all). */
export function createTracing(config: TracingConfig, deps: TracingDeps = {}): Tracing {
  if (!config.enabled || !config.tracesUrl) return TRACING_OFF;
  const ids = new PresetIdGenerator();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    // Sampling is decided per verification below, before any span is made.
    sampler: new AlwaysOnSampler(),
    idGenerator: ids,
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: deps.exporter ?? new OTLPTraceExporter({ url: config.tracesUrl }),
        ...(deps.scheduledDelayMillis ? { scheduledDelayMillis: deps.scheduledDelayMillis } : {}),
      }),
    ],
  });
  const tracer = provider.getTracer('switchboard-aggregator');
  const decide = samplerDecision(config);
  const adopted = new Map<
    string,
    { traceId: string; spanId: string; sampled: boolean; at: number }
  >();
  const current = new AsyncLocalStorage<string>();

  const traceOf = (verificationId: string): VerificationTrace => {
    const own = verificationTraceIds(verificationId);
    const app = adopted.get(verificationId);
    if (app && Date.now() - app.at < ADOPTED_TTL_MS)
      return { traceId: app.traceId, rootSpanId: own.rootSpanId, sampled: app.sampled };
    return { ...own, sampled: decide(own.traceId, undefined) };
  };
  const outgoingFor = (verificationId: string, spanId?: string) => {
    const t = traceOf(verificationId);
    return t.sampled ? formatTraceparent(t.traceId, spanId ?? t.rootSpanId, true) : undefined;
  };
  const unsubscribe = subscribeOutboundTraceparent(() => {
    const vid = current.getStore();
    return vid === undefined ? undefined : outgoingFor(vid);
  });

  return {
    enabled: true,
    adopt(verificationId, traceparent) {
      const parent = traceparent ? parseTraceParent(traceparent) : null;
      if (!parent) return;
      if (adopted.size >= ADOPTED_MAX) adopted.delete(adopted.keys().next().value!);
      const sampled = decide(parent.traceId, (parent.traceFlags & TraceFlags.SAMPLED) !== 0);
      adopted.set(verificationId, { ...parent, sampled, at: Date.now() });
    },
    traceOf,
    span(step) {
      const t = traceOf(step.verificationId);
      if (!t.sampled) return;
      startStepSpan(tracer, ids, t, step, adopted.get(step.verificationId));
    },
    outgoing(verificationId) {
      const spanId = ids.generateSpanId();
      const traceparent = outgoingFor(verificationId, spanId);
      return traceparent ? { spanId, traceparent } : undefined;
    },
    within: (verificationId, fn) => current.run(verificationId, fn),
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      unsubscribe();
      await provider.shutdown();
    },
  };
}

function startStepSpan(
  tracer: Tracer,
  ids: PresetIdGenerator,
  t: VerificationTrace,
  step: StepSpan,
  app: { traceId: string; spanId: string } | undefined,
): void {
  // The root's parent is the app's span when it sent one; every other step hangs off the root.
  const parentSpanId = step.root ? app?.spanId : t.rootSpanId;
  const parent: Context = parentSpanId
    ? trace.setSpanContext(ROOT_CONTEXT, {
        traceId: t.traceId,
        spanId: parentSpanId,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      })
    : ROOT_CONTEXT;
  ids.preset(t.traceId, step.root ? t.rootSpanId : step.spanId);
  const span = tracer.startSpan(
    step.name,
    {
      kind: step.kind ?? SpanKind.INTERNAL,
      startTime: step.startTime,
      attributes: guardAttributes(step.attributes),
    },
    parent,
  );
  ids.clear();
  if (step.error !== undefined)
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: guardAttributes({ 'switchboard.error': step.error })['switchboard.error'] as string,
    });
  span.end(step.endTime);
}

/** OTEL_TRACES_SAMPLER on a trace id; `parentSampled` is the app's flag when it sent a traceparent. */
function samplerDecision(config: TracingConfig) {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  const byRatio = (traceId: string) =>
    ratio.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
  const own: (traceId: string) => boolean = config.sampler.endsWith('always_on')
    ? () => true
    : config.sampler.endsWith('always_off')
      ? () => false
      : byRatio;
  const parentBased = config.sampler.startsWith('parentbased_');
  return (traceId: string, parentSampled: boolean | undefined): boolean =>
    parentBased && parentSampled !== undefined ? parentSampled : own(traceId);
}
