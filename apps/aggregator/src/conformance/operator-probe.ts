import { X_CORRELATOR_HEADER } from '@switchboard/camara';
import type { ScenarioOutcome, ScenarioResult } from '@switchboard/contracts';
import type { EgressFetch } from '../infra/egress/operator-egress.js';

/** One answer of an operator, read whole (bodies of conformance probes are small). */
export interface ProbeAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or undefined when the body is not JSON. */
  readonly json: unknown;
}

export interface ProbeRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** The operator's own egress (timeouts, address guard), as every other call to it. */
export async function probe(fetch: EgressFetch, url: string, r: ProbeRequest = {}) {
  const headers: Record<string, string> = { accept: 'application/json', ...r.headers };
  if (r.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: r.method ?? 'GET',
    headers,
    redirect: 'manual',
    ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json } satisfies ProbeAnswer;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `401 UNAUTHENTICATED`, or what came instead: status and the body's code. */
export function describeAnswer(a: ProbeAnswer): string {
  const code = isObject(a.json) && typeof a.json.code === 'string' ? ` ${a.json.code}` : '';
  return `${a.status}${code}${a.json === undefined ? ' (no JSON body)' : ''}`;
}

/**
 * CAMARA Commonalities `ErrorInfo` (CAMARA_common.yaml): `status` (the HTTP status),
 * `code` (≤ 96 characters) and `message` (≤ 512), all required. Undefined when it is one.
 */
export function errorBodyDefect(a: ProbeAnswer): string | undefined {
  const b = a.json;
  if (!isObject(b)) return 'no JSON object body';
  if (b.status !== a.status) return `status ${JSON.stringify(b.status)} in the body`;
  if (typeof b.code !== 'string' || b.code.length === 0 || b.code.length > 96)
    return 'code missing or longer than 96 characters';
  if (typeof b.message !== 'string' || b.message.length > 512)
    return 'message missing or longer than 512 characters';
  return undefined;
}

export const correlatorOf = (a: ProbeAnswer) => a.headers.get(X_CORRELATOR_HEADER);

export function scenario(
  id: string,
  expected: string,
  got: string,
  outcome: ScenarioOutcome | boolean,
): ScenarioResult {
  const o = typeof outcome === 'boolean' ? (outcome ? 'pass' : 'fail') : outcome;
  return { id, expected, got, outcome: o };
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
