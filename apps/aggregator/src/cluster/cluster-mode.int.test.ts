import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';

// SWITCHBOARD_WORKERS as an operator runs it: `main.ts` in its own OS process, the cluster's
// workers forked from it, on a PostgreSQL database (PGlite is refused, tested below).

interface Started {
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

function startMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/aggregator/src/main.ts'], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '1000',
      SWITCHBOARD_ADMIN_TOKEN: 'cluster-admin-token-0123456789abcdef',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { exit, output: () => out, kill: (signal) => child.kill(signal) };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls until `check` returns a value (the machine is busy: no fixed timing). */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 120_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Ready {
  status: string;
  worker: number;
  pid: number;
}

/** Asks /ready until `count` distinct worker pids answered (connections are round-robin). */
async function answeringPids(url: string, count: number, exclude: number[] = []) {
  const pids = new Set<number>();
  return waitFor(`${count} workers answering /ready`, async () => {
    // A fresh connection each time: the primary hands connections, not requests, round-robin.
    const res = await fetch(`${url}/ready`, { headers: { connection: 'close' } });
    const body = (await res.json()) as Ready;
    if (res.status === 200 && body.status === 'ready' && !exclude.includes(body.pid))
      pids.add(body.pid);
    return pids.size >= count ? [...pids] : undefined;
  });
}

const server = process.env.TEST_DATABASE_URL?.startsWith('postgres');

describe('SWITCHBOARD_WORKERS on PostgreSQL', () => {
  let t: TestDatabase | undefined;
  beforeAll(async () => {
    if (server) t = await createTestDatabase();
  });
  afterAll(() => t?.destroy());

  it('serves /ready from two workers, replaces a killed one, and exits 0 on SIGTERM', async () => {
    if (!t) {
      process.stdout.write(
        'skipped: SWITCHBOARD_WORKERS=2 needs PostgreSQL; set TEST_DATABASE_URL=postgres://… to run it\n',
      );
      return;
    }
    const port = await freePort();
    const main = startMain({
      DATABASE_URL: t.url,
      SWITCHBOARD_WORKERS: '2',
      PORT: String(port),
      ADMIN_PORT: String(await freePort()),
      SWITCHBOARD_DATA_DIR: '.data/cluster-test',
    });
    try {
      await waitFor('the banner', async () =>
        /2 workers \(pids/.test(main.output()) ? true : undefined,
      );
      const url = `http://127.0.0.1:${port}`;
      const [first, second] = await answeringPids(url, 2);
      expect(first).not.toBe(second);

      process.kill(second!, 'SIGKILL');
      const [replacement] = await answeringPids(url, 1, [first!, second!]);
      expect(replacement).not.toBe(second);
      expect(main.output()).toMatch(/worker died; restarting/);

      main.kill('SIGTERM');
      expect(await main.exit).toEqual({ code: 0, signal: null });
      for (const pid of [first!, replacement!]) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      main.kill('SIGKILL');
    }
  }, 240_000);
});

describe('SWITCHBOARD_WORKERS on PGlite', () => {
  it('refuses more than one worker with exit code 2 and says why', async () => {
    const main = startMain({ DATABASE_URL: 'pglite:memory', SWITCHBOARD_WORKERS: '2' });
    expect(await main.exit).toEqual({ code: 2, signal: null });
    expect(main.output()).toMatch(
      /SWITCHBOARD_WORKERS: 2 \(2 processes\) needs a PostgreSQL DATABASE_URL; embedded PGlite is opened by one process only/,
    );
  }, 60_000);
});
