import process from 'node:process';
import { Agent, fetch as undiciFetch } from 'undici';
import { main } from '../src/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliTarget {
  readonly adminUrl: string;
  /** Else the CLI reads `<cwd>/<SWITCHBOARD_DATA_DIR>/admin-token`. */
  readonly adminToken?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Runs the `switchboard` CLI in-process against an admin API, as a new process would: its
 * own HTTP connections, closed afterwards. Sockets kept alive across runs could be picked
 * just as the server's keep-alive timeout closes them, which a busy machine makes likely.
 */
export async function runCli(target: CliTarget, argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const agent = new Agent();
  try {
    const code = await main(argv, {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: {
        ...target.env,
        SWITCHBOARD_ADMIN_URL: target.adminUrl,
        ...(target.adminToken ? { SWITCHBOARD_ADMIN_TOKEN: target.adminToken } : {}),
      },
      cwd: target.cwd ?? process.cwd(),
      fetch: ((url, init) =>
        undiciFetch(url as string, { ...(init as object), dispatcher: agent })) as typeof fetch,
    });
    return { code, stdout, stderr };
  } finally {
    await agent.close();
  }
}
