import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/** A port nothing listens on right now (bound, then released). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One of the real apps as its own OS process (`node --import tsx <script>`). */
export interface AppProcess {
  readonly name: string;
  readonly pid: number;
  readonly exited: boolean;
  /** SIGTERM (graceful) and wait; SIGKILL after `timeoutMs`. Resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL: the process dies at once, nothing is drained. */
  kill(): Promise<void>;
  /** Resident set size in MB (Linux /proc), 0 once exited. */
  rssMb(): number;
  /** The last lines it wrote, for a failure report. */
  tail(): string;
}

export function startApp(
  name: string,
  script: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): AppProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  return {
    name,
    pid: child.pid!,
    get exited() {
      return exitCode !== undefined;
    },
    async stop(timeoutMs = 20_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (exitCode !== undefined) return;
      child.kill('SIGKILL');
      await exited;
    },
    rssMb: () => (exitCode === undefined ? rssMb(child.pid!) : 0),
    tail: () => lines.join('\n'),
  };
}

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Polls `url` until it answers 200, or throws naming `what` after `timeoutMs`. */
export async function waitUntilOk(url: string, what: string, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return Date.now() - started;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${what} did not become ready at ${url} within ${timeoutMs} ms`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
