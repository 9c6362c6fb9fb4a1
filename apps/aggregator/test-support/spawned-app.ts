import { spawn, type ChildProcess } from 'node:child_process';

/** An app started as its own OS process (`node --import tsx <script>`), all output kept. */
export interface SpawnedApp {
  /** Everything it wrote to stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the first match of `pattern` in its output (waits up to 60 s). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

export function spawnApp(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): SpawnedApp {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => out,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (!m) return;
          cleanup();
          resolve(m);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${script}: no ${pattern} in its output:\n${out}`));
        }, 60_000);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) {
            cleanup();
            reject(new Error(`${script} exited:\n${out}`));
          }
        });
        check();
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
