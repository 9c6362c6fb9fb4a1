import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace';

/**
 * Span ids the SDK would draw at random, unless the next span's ids were set just before
 * `startSpan` (synchronously, so no other span can take them): a verification's root span has
 * an id derived from the verification, and a step whose `traceparent` already went out keeps
 * the span id it announced.
 */
export class PresetIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private traceId: string | undefined;
  private spanId: string | undefined;

  preset(traceId: string, spanId: string | undefined): void {
    this.traceId = traceId;
    this.spanId = spanId;
  }

  clear(): void {
    this.traceId = undefined;
    this.spanId = undefined;
  }

  generateTraceId(): string {
    return this.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.spanId ?? this.random.generateSpanId();
  }
}
