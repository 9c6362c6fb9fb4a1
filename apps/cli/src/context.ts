import type { AdminClient } from './admin-client.js';
import type { Output } from './output.js';

export interface CommandContext {
  client(): AdminClient;
  out(): Output;
  /** Wraps an action so its failures become the CLI's one-line errors and exit codes. */
  run<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void>;
  setExitCode(code: number): void;
}
