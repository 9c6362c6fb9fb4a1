import { createHash } from 'node:crypto';

/**
 * The requests of one verification (/authorize, the operator callback, /token, each proxied
 * call) are separate HTTP requests, often from different parties. They join one trace because
 * its ids are derived from the verification id they all carry (the interaction, the grant, the
 * token's `vid` claim): trace id = first 16 bytes of SHA-256(vid), the root span's id = the
 * next 8 (W3C Trace Context: 16- and 8-byte ids, lowercase hex, not all zero).
 */
export interface VerificationTraceIds {
  readonly traceId: string;
  readonly rootSpanId: string;
}

export function verificationTraceIds(verificationId: string): VerificationTraceIds {
  const hex = createHash('sha256').update(verificationId).digest('hex');
  return { traceId: hex.slice(0, 32), rootSpanId: hex.slice(32, 48) };
}

/** W3C Trace Context `traceparent`, version 00. */
export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}
