import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetch as undiciFetch, type RequestInit as UndiciInit } from 'undici';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { startAggregator, type Aggregator } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/infra/logging.js';

export interface ConsoleAnswer {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export type ConsoleRequest = Omit<UndiciInit, 'headers'> & {
  headers?: Record<string, string>;
  cookie?: string;
};

export interface ConsoleStack {
  readonly t: TestDatabase;
  readonly agg: Aggregator;
  /** The admin token the aggregator generated. */
  readonly token: string;
  /** SWITCHBOARD_CONSOLE_DIR: a stand-in bundle (index.html, assets/app.js). */
  readonly consoleDir: string;
  /** A request to the admin listener; redirects are not followed. */
  call(p: string, init?: ConsoleRequest): Promise<ConsoleAnswer>;
  /** Signs in with the admin token: the session cookie (`sb_console=…`) and its CSRF token. */
  signIn(): Promise<{ cookie: string; csrf: string }>;
  /** A one-time sign-in link from the admin API. */
  oneTimeLink(): Promise<{ url: string; expiresAt: string }>;
  stop(): Promise<void>;
}

export const cookieOf = (a: ConsoleAnswer) =>
  /^(sb_console=[^;]+)/.exec(a.headers.get('set-cookie') ?? '')?.[1];

/**
 * An aggregator (fresh database, ephemeral ports) whose admin listener serves the console from a
 * stand-in bundle, with SWITCHBOARD_TRACE_URL set.
 */
export async function startConsoleStack(): Promise<ConsoleStack> {
  const t = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-console-'));
  const consoleDir = path.join(dataDir, 'console');
  fs.mkdirSync(path.join(consoleDir, 'assets'), { recursive: true });
  fs.writeFileSync(
    path.join(consoleDir, 'index.html'),
    '<!doctype html><script type="module" src="/console/assets/app.js"></script><div id="root"></div>',
  );
  fs.writeFileSync(path.join(consoleDir, 'assets', 'app.js'), 'console.log("console");');
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_PORT: '0',
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_CONSOLE_DIR: consoleDir,
    SWITCHBOARD_TRACE_URL: 'https://traces.example/trace/{traceId}',
    SHUTDOWN_GRACE_MS: '100',
    ROUTING_SYNC_INTERVAL_SECONDS: '0',
  });
  const agg = await startAggregator(config, { logger: silentLogger, database: t.db });
  const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();

  async function call(p: string, init: ConsoleRequest = {}): Promise<ConsoleAnswer> {
    const { cookie, ...rest } = init;
    const headers = { ...init.headers, ...(cookie ? { cookie } : {}) };
    const res = await undiciFetch(`${agg.adminUrl}${p}`, { redirect: 'manual', ...rest, headers });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  return {
    t,
    agg,
    token,
    consoleDir,
    call,
    async signIn() {
      const a = await call('/console/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      const cookie = cookieOf(a);
      if (a.status !== 200 || !cookie) throw new Error(`sign-in answered ${a.status}: ${a.text}`);
      return { cookie, csrf: a.json.csrfToken as string };
    },
    async oneTimeLink() {
      const res = await fetch(`${agg.adminUrl}/admin/v1/console/links`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 201) throw new Error(`POST /console/links answered ${res.status}`);
      return (await res.json()) as { url: string; expiresAt: string };
    },
    async stop() {
      await agg.stop();
      await t.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
