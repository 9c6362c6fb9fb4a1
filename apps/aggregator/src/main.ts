import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './infra/logging.js';
import { startAggregator } from './app.js';
import { runPrimary } from './cluster/run-primary.js';
import { runWorker } from './cluster/run-worker.js';
import { stopOnSignals } from './cluster/stop-on-signals.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`switchboard aggregator: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger({ level: config.logLevel });
  // SWITCHBOARD_WORKERS > 1: this process forks the workers (docs/operations.md).
  if (config.workers > 1) {
    await (cluster.isPrimary ? runPrimary(config, logger) : runWorker(config, logger));
    return;
  }
  const aggregator = await startAggregator(config, { logger });
  process.stdout.write(
    `\nSwitchboard aggregator\n  public API  ${aggregator.publicUrl}\n  admin API   ${aggregator.adminUrl}  (npx switchboard --help)\n  database    ${aggregator.database.description}\n\n`,
  );
  stopOnSignals(() => aggregator.stop(), logger);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `switchboard aggregator failed to start: ${(err as Error)?.message ?? String(err)}\n`,
  );
  process.exit(1);
});
