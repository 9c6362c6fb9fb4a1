import { z } from 'zod';
import { parseEnv } from '../../parse-env.js';

/**
 * Tracing is configured with the OpenTelemetry SDK's standard variables (OpenTelemetry
 * "Environment Variable Specification"); read here, in the config module's part for tracing,
 * with the specification's rules. Headers, timeout, compression and TLS files of the exporter
 * (OTEL_EXPORTER_OTLP_[TRACES_]HEADERS, …) are read by the OTLP exporter itself.
 */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface TracingConfig {
  /** False when OTEL_SDK_DISABLED=true or no OTLP endpoint is set: no SDK is started at all. */
  readonly enabled: boolean;
  /** Where spans go (OTLP/HTTP, protobuf): the traces endpoint as given, else ENDPOINT + /v1/traces. */
  readonly tracesUrl: string | undefined;
  readonly serviceName: string;
  readonly sampler: SamplerName;
  /** The ratio of the traceidratio samplers, 0..1. */
  readonly samplerRatio: number;
}

const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** Empty values count as unset, as the specification says. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    schema.optional(),
  );

export const tracingEnvSchema = z.object({
  OTEL_SDK_DISABLED: optional(z.string()).transform((v) => v?.trim().toLowerCase() === 'true'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(url),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(url),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optional(
    z.literal('http/protobuf', { message: 'only http/protobuf is supported' }),
  ),
  OTEL_EXPORTER_OTLP_PROTOCOL: optional(
    z.literal('http/protobuf', { message: 'only http/protobuf is supported' }),
  ),
  OTEL_SERVICE_NAME: optional(z.string()),
  OTEL_TRACES_SAMPLER: optional(
    z.enum(SAMPLERS, { message: `must be one of ${SAMPLERS.join(', ')}` }),
  ),
  OTEL_TRACES_SAMPLER_ARG: optional(
    z.coerce.number().min(0, 'must be a ratio 0..1').max(1, 'must be a ratio 0..1'),
  ),
});

export const DEFAULT_SERVICE_NAME = 'switchboard-aggregator';

/** Parses the OTEL_* keys; the error names the bad key. */
export function parseTracingConfig(
  env: Readonly<Record<string, string | undefined>>,
): TracingConfig {
  const c = parseEnv(tracingEnvSchema, env);
  const tracesUrl =
    c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (c.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
      ? undefined
      : `${c.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  return Object.freeze({
    enabled: !c.OTEL_SDK_DISABLED && tracesUrl !== undefined,
    tracesUrl,
    serviceName: c.OTEL_SERVICE_NAME ?? DEFAULT_SERVICE_NAME,
    sampler: c.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
    samplerRatio: c.OTEL_TRACES_SAMPLER_ARG ?? 1,
  });
}
