import diagnosticsChannel from 'node:diagnostics_channel';

/** The part of undici's request object the `undici:request:create` channel hands out. */
interface UndiciRequest {
  addHeader(name: string, value: string): unknown;
}

/**
 * W3C Trace Context toward operators: every request undici creates (openid-client's token
 * and discovery calls, the proxy's pool, the finder's clients) gets a `traceparent` when one
 * is current. undici publishes each new request on this diagnostics channel, the hook the
 * OpenTelemetry undici instrumentation uses too; no call site changes.
 */
export function subscribeOutboundTraceparent(current: () => string | undefined): () => void {
  const onCreate = (message: unknown) => {
    const traceparent = current();
    if (traceparent === undefined) return;
    (message as { request: UndiciRequest }).request.addHeader('traceparent', traceparent);
  };
  diagnosticsChannel.subscribe('undici:request:create', onCreate);
  return () => diagnosticsChannel.unsubscribe('undici:request:create', onCreate);
}
