import type { ScenarioResult } from './report.js';
import type { Stack } from './stack.js';
import type { Client } from './verification.js';

export interface ScenarioContext {
  readonly stack: Stack;
  readonly client: Client;
  log(line: string): void;
}

export interface Scenario {
  readonly name: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

/** Requests the scenario's clients made, from a counter read before it started. */
export function requestCounter(client: Client): () => number {
  const before = client.requests;
  return () => client.requests - before;
}

export const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
export const mb = (n: number) => `${Math.round(n)} MB`;
