/** Everything the CLI touches outside itself, injected so tests run it in-process. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * HTTP to the admin API; the global fetch by default. Tests give each run its own
   * connections, as a real CLI process has: kept-alive sockets shared across runs could be
   * picked just as the server closes them (keep-alive timeout) on a busy machine.
   */
  fetch?: typeof fetch;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, noMatch: 3 } as const;

/**
 * A failure the CLI reports as one line with a given exit code. `codes` are the admin API's
 * detail codes of the message and of each detail line (a refused route change's rules).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    readonly details: string[] = [],
    readonly codes: ReadonlyArray<string | undefined> = [],
  ) {
    super(message);
  }
}

/** An id as one URL path segment; an empty one would address the collection instead. */
export function idSegment(id: string, what: string): string {
  if (id.trim() === '') throw new CliError(`${what} must not be empty`);
  return encodeURIComponent(id);
}
