import { describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { guardAttributes, REDACTED } from './attribute-guard.js';
import { verificationTraceIds } from './trace-ids.js';
import { createTracing, TRACING_OFF } from './tracing.js';
import { parseTracingConfig } from './tracing-config.js';

const on = (env: Record<string, string> = {}) =>
  parseTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', ...env });

const step = (verificationId: string, name: string, root = false) => ({
  name,
  verificationId,
  startTime: Date.now() - 5,
  endTime: Date.now(),
  root,
  attributes: { 'switchboard.client_id': 'app-1' },
});

describe('tracing', () => {
  it('starts no SDK when not configured', () => {
    expect(createTracing(parseTracingConfig({}))).toBe(TRACING_OFF);
    expect(TRACING_OFF.enabled).toBe(false);
  });

  it('derives the trace and root span ids from the verification id', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing(on(), { exporter });
    tracing.span(step('v-1', 'authorize', true));
    tracing.span(step('v-1', 'token'));
    await tracing.forceFlush();
    const [root, token] = exporter.getFinishedSpans();
    const ids = verificationTraceIds('v-1');
    expect(root!.spanContext()).toMatchObject({ traceId: ids.traceId, spanId: ids.rootSpanId });
    expect(root!.parentSpanContext).toBeUndefined();
    expect(token!.spanContext().traceId).toBe(ids.traceId);
    expect(token!.parentSpanContext?.spanId).toBe(ids.rootSpanId);
    await tracing.shutdown();
  });

  it('samples per verification: a 0 ratio records nothing, and no traceparent goes out', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing(
      on({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }),
      { exporter },
    );
    tracing.span(step('v-2', 'authorize', true));
    expect(tracing.outgoing('v-2')).toBeUndefined();
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await tracing.shutdown();
  });

  it('follows the app’s sampled flag with a parentbased sampler', () => {
    const tracing = createTracing(on({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }), {
      exporter: new InMemorySpanExporter(),
    });
    tracing.adopt('v-3', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(tracing.traceOf('v-3')).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      sampled: true,
    });
    expect(tracing.traceOf('v-4').sampled).toBe(false);
    const sent = tracing.outgoing('v-3');
    expect(sent?.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${sent?.spanId}-01`);
    return tracing.shutdown();
  });
});

describe('the span attribute guard', () => {
  it('keeps only known keys and redacts phone numbers, addresses and tokens', () => {
    expect(
      guardAttributes({
        'switchboard.client_id': 'app-1',
        'camara.x_correlator': '+34600000001',
        'switchboard.operator_id': '192.0.2.10',
        'switchboard.error': 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0',
        'http.response.status_code': 200,
        'enduser.phone': 'anything',
        'switchboard.step': undefined,
      }),
    ).toEqual({
      'switchboard.client_id': 'app-1',
      'camara.x_correlator': REDACTED,
      'switchboard.operator_id': REDACTED,
      'switchboard.error': REDACTED,
      'http.response.status_code': 200,
    });
    expect(guardAttributes({ 'camara.x_correlator': '2001:db8::1' })).toEqual({
      'camara.x_correlator': REDACTED,
    });
  });
});
