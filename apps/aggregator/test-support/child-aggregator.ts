import { spawn, type ChildProcess } from 'node:child_process';
import { withoutKnownWarnings } from '@switchboard/test-kit/test-support';

/** A second aggregator as a real OS process on the same (PostgreSQL) database. */
export interface ChildAggregator {
  readonly adminUrl: string;
  /** The operator its own index routes `ip` to, via its admin API. */
  lookup(ip: string): Promise<string | undefined>;
  /** Calls its admin API. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function startChildAggregator(options: {
  databaseUrl: string;
  dataDir: string;
  env?: Record<string, string>;
}): Promise<ChildAggregator> {
  const token = 'child-admin-token-0123456789abcdef';
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/aggregator/src/main.ts'],
    {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: '0',
        ADMIN_PORT: '0',
        SHUTDOWN_GRACE_MS: '100',
        ...options.env,
        NODE_OPTIONS: '',
        DATABASE_URL: options.databaseUrl,
        SWITCHBOARD_DATA_DIR: options.dataDir,
        SWITCHBOARD_ADMIN_TOKEN: token,
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Its errors still reach the test's stderr; a known third-party warning does not.
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = withoutKnownWarnings(chunk.toString());
    if (text) process.stderr.write(text);
  });
  const adminUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /admin API\s+(http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${adminUrl}/admin/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
  return {
    adminUrl,
    admin,
    async lookup(ip) {
      const res = await admin(`/lookup?ip=${ip}`);
      return res.status === 200
        ? ((await res.json()) as { operatorId: string }).operatorId
        : undefined;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
