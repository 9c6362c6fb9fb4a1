import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../config.js';
import { DEFAULT_SERVICE_NAME, parseTracingConfig } from './tracing-config.js';

describe('tracing configuration (OTEL_*)', () => {
  it('is off without an endpoint, with the specification’s defaults', () => {
    expect(parseTracingConfig({})).toEqual({
      enabled: false,
      tracesUrl: undefined,
      serviceName: DEFAULT_SERVICE_NAME,
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
    expect(parseTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }).enabled).toBe(false);
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT; the traces endpoint is used as given and wins', () => {
    expect(
      parseTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }),
    ).toMatchObject({ enabled: true, tracesUrl: 'http://collector:4318/v1/traces' });
    expect(
      parseTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom',
      }).tracesUrl,
    ).toBe('http://traces:9999/custom');
  });

  it('OTEL_SDK_DISABLED=true turns it off even with an endpoint', () => {
    expect(
      parseTracingConfig({
        OTEL_SDK_DISABLED: 'TRUE',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      }).enabled,
    ).toBe(false);
  });

  it('reads the sampler, its ratio and the service name', () => {
    expect(
      parseTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
        OTEL_SERVICE_NAME: 'edge-eu',
      }),
    ).toMatchObject({
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.1,
      serviceName: 'edge-eu',
    });
  });

  it.each([
    ['OTEL_TRACES_SAMPLER', 'sometimes', /OTEL_TRACES_SAMPLER: must be one of/],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5', /OTEL_TRACES_SAMPLER_ARG: must be a ratio/],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'collector:4318',
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http/,
    ],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', /OTEL_EXPORTER_OTLP_PROTOCOL: only http\/protobuf/],
  ])('refuses %s=%s at start, naming the key', (key, value, message) => {
    expect(() => loadConfig({ [key]: value })).toThrow(message);
  });

  it('is part of the aggregator configuration, with VERIFICATION_RETENTION_DAYS', () => {
    const config = loadConfig({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces',
      VERIFICATION_RETENTION_DAYS: '7',
    });
    expect(config.tracing.enabled).toBe(true);
    expect(config.verificationRetentionDays).toBe(7);
    expect(loadConfig({}).verificationRetentionDays).toBe(30);
    expect(() => loadConfig({ VERIFICATION_RETENTION_DAYS: '0' })).toThrow(
      /VERIFICATION_RETENTION_DAYS/,
    );
  });
});
