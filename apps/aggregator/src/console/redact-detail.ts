/**
 * Audit details hold before/after snapshots of what an admin changed. The services never put a
 * secret there, but the console shows them in a browser: any field whose name says secret,
 * token, key, password, MSISDN or phone number is masked all the same.
 */
const SENSITIVE = /secret|token|password|passphrase|private|jwk|msisdn|phone|credential|key$/i;

export function redactDetail(value: Record<string, unknown>): Record<string, unknown> {
  return redact(value) as Record<string, unknown>;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SENSITIVE.test(k) ? '[redacted]' : redact(v)]),
  );
}
