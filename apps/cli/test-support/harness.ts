import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadConfig,
  silentLogger,
  startAggregator,
  type Aggregator,
} from '@switchboard/aggregator';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { runCli, type CliRun } from './run-cli.js';

export type { CliRun };

export interface Harness {
  aggregator: Aggregator;
  /** What the aggregator logged as warnings and errors (the CLI shows only the answer). */
  serverLog: string[];
  dataDir: string;
  env: NodeJS.ProcessEnv;
  cli(...argv: string[]): Promise<CliRun>;
  stop(): Promise<void>;
}

/**
 * The limit of a `beforeAll` that starts the harness: it catches a start that hangs, not a slow
 * one. A fresh PGlite image, the aggregator's modules through jest's ESM loader and its start
 * took 4–10 s alone on a busy 2-core machine, and over 30 s (jest's default) with two other
 * suites running beside it. The same bound as the suites that start the core stack.
 */
export const HARNESS_START_MS = 60_000;

/** A real aggregator (ephemeral ports, fresh database) and the CLI run in-process against it. */
export async function startHarness(): Promise<Harness> {
  const db: TestDatabase = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cli-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    ADMIN_PORT: '0',
    HOST: '127.0.0.1',
    SWITCHBOARD_DATA_DIR: dataDir,
    SHUTDOWN_GRACE_MS: '100',
    // No background polling of routing URLs a test sets: a poll would write routing_sync_state
    // at random moments, and the tests compare tables; `switchboard routing sync` still works.
    ROUTING_SYNC_INTERVAL_SECONDS: '0',
    // Nor the minute's sweep of expired flow state, which deletes rows at random moments too.
    FLOW_STATE_SWEEP_SECONDS: '0',
  });
  const serverLog: string[] = [];
  const keep = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    void serverLog.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
  const logger = { ...silentLogger, warn: keep('warn'), error: keep('error') };
  const aggregator = await startAggregator(config, { logger, database: db.db });
  const env = { SWITCHBOARD_ADMIN_URL: aggregator.adminUrl, SWITCHBOARD_DATA_DIR: dataDir };
  return {
    aggregator,
    serverLog,
    dataDir,
    env,
    cli: (...argv) => runCli({ adminUrl: aggregator.adminUrl, env, cwd: dataDir }, argv),
    async stop() {
      await aggregator.stop();
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
