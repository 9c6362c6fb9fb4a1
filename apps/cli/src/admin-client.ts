import fs from 'node:fs';
import path from 'node:path';
import type { ErrorBody } from '@switchboard/contracts';
import { CliError, EXIT, type CliIo } from './io.js';

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:3100';

export interface AdminClient {
  readonly url: string;
  get<T>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  upload<T>(
    path: string,
    file: string,
    onProgress?: (sent: number, total: number) => void,
  ): Promise<T>;
}

/** Finds the admin API and its token: environment first, then the local embedded-mode token file. */
export function createAdminClient(io: CliIo): AdminClient {
  const url = (io.env.SWITCHBOARD_ADMIN_URL ?? DEFAULT_ADMIN_URL).replace(/\/+$/, '');
  const token = io.env.SWITCHBOARD_ADMIN_TOKEN ?? readTokenFile(io);
  const send = io.fetch ?? fetch;

  async function call<T>(method: string, p: string, init: RequestInit = {}): Promise<T> {
    if (!token) {
      throw new CliError(
        'no admin token: set SWITCHBOARD_ADMIN_TOKEN, or run the CLI where the aggregator wrote .data/admin-token',
        EXIT.failure,
      );
    }
    let res: Response;
    try {
      res = await send(`${url}/admin/v1${p}`, {
        ...init,
        method,
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
      });
    } catch {
      throw new CliError(
        `cannot reach the Switchboard admin API at ${url}: is the aggregator running? (start it with "npm start", or set SWITCHBOARD_ADMIN_URL)`,
        EXIT.failure,
      );
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const body = parseJson(text);
    if (res.ok) return body as T;
    // Partial: whatever answers at the URL may not be the admin API.
    throw toCliError(res.status, body as Partial<ErrorBody> | undefined);
  }

  return {
    url,
    get: (p, query) => {
      const qs = new URLSearchParams(
        Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
      );
      return call(`GET`, qs.size ? `${p}?${qs}` : p);
    },
    send: (method, p, body) =>
      call(
        method,
        p,
        body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      ),
    upload: (p, file, onProgress) => {
      const total = fs.statSync(file).size;
      let sent = 0;
      const stream = fs.createReadStream(file);
      stream.on('data', (chunk) => {
        sent += chunk.length;
        onProgress?.(sent, total);
      });
      return call(`POST`, p, {
        body: stream as never,
        headers: { 'content-type': 'text/csv' },
        duplex: 'half',
      } as RequestInit);
    },
  };
}

function readTokenFile(io: CliIo): string | undefined {
  const dir = path.resolve(io.cwd, io.env.SWITCHBOARD_DATA_DIR ?? '.data');
  try {
    return fs.readFileSync(path.join(dir, 'admin-token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function toCliError(status: number, body: Partial<ErrorBody> | undefined): CliError {
  const message = body?.message ?? `the admin API answered HTTP ${status}`;
  const all = body?.details ?? [];
  const details = all.slice(1).map((d) => (d.line ? `line ${d.line}: ${d.message}` : d.message));
  if (status === 401) return new CliError(`admin API refused the token: ${message}`, EXIT.failure);
  // 4xx is the caller's input (bad value, conflict, unknown id): exit 2. 5xx is ours: exit 1.
  const codes = all.map((d) => d.code);
  return new CliError(message, status >= 500 ? EXIT.failure : EXIT.usage, details, codes);
}
