import { randomUUID } from 'node:crypto';
import {
  CamaraApiError,
  ServiceNotApplicableError,
  SwitchboardError,
  TimeoutError,
} from './errors.js';
import { isTimeout } from './map-error.js';

export interface CamaraApiDeps {
  readonly fetch: typeof fetch;
  /** e.g. `https://switchboard.example/number-verification/v2` */
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

export interface CamaraCall {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly accessToken: string;
  readonly body?: Record<string, unknown>;
  /** Defaults to a fresh UUID; CAMARA echoes it so both sides can find the call in their logs. */
  readonly correlator?: string;
}

/** A CAMARA API call: bearer token, `x-correlator`, timeout, and `{status, code, message}` errors. */
export async function callCamara(
  deps: CamaraApiDeps,
  call: CamaraCall,
): Promise<Record<string, unknown>> {
  const correlator = call.correlator ?? randomUUID();
  const response = await send(deps, call, correlator);
  const json = await readJson(response);
  if (response.ok && json) return json;
  throw apiError(response.status, json, correlator);
}

async function send(deps: CamaraApiDeps, call: CamaraCall, correlator: string) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${call.accessToken}`,
    accept: 'application/json',
    'x-correlator': correlator,
  };
  if (call.body) headers['content-type'] = 'application/json';
  try {
    return await deps.fetch(`${deps.baseUrl}${call.path}`, {
      method: call.method,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs),
      ...(call.body ? { body: JSON.stringify(call.body) } : {}),
    });
  } catch (err) {
    if (isTimeout(err)) {
      throw new TimeoutError(`${call.method} ${call.path} timed out after ${deps.timeoutMs} ms`, {
        correlator,
        cause: err,
      });
    }
    throw new SwitchboardError('REQUEST_FAILED', `${call.method} ${call.path} failed`, {
      correlator,
      cause: err,
    });
  }
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  const text = await response.text();
  try {
    const value: unknown = text ? JSON.parse(text) : undefined;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function apiError(status: number, json: Record<string, unknown> | undefined, correlator: string) {
  // A proxy in between may answer with HTML or nothing: keep the status, invent no code.
  const code = typeof json?.code === 'string' ? json.code : `HTTP_${status}`;
  const message = typeof json?.message === 'string' ? json.message : `HTTP ${status}`;
  if (status === 422 && code === 'SERVICE_NOT_APPLICABLE')
    return new ServiceNotApplicableError(message, correlator);
  return new CamaraApiError(status, code, message, correlator);
}
