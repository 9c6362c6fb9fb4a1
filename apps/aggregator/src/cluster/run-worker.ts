import type { Logger } from '@switchboard/telco-finder';
import { startAggregator } from '../app.js';
import type { AggregatorConfig } from '../config.js';
import { stopOnSignals } from './stop-on-signals.js';
import type { WorkerStarted } from './worker-messages.js';

/**
 * One worker of the cluster: the whole aggregator, both listeners. `listen()` in a worker asks
 * the primary for the port, so every worker shares the public and the admin port and the
 * primary hands connections round-robin (node:cluster's default on Linux).
 */
export async function runWorker(config: AggregatorConfig, logger: Logger): Promise<void> {
  const aggregator = await startAggregator(config, { logger });
  const started: WorkerStarted = {
    type: 'switchboard:started',
    publicUrl: aggregator.publicUrl,
    adminUrl: aggregator.adminUrl,
    database: aggregator.database.description,
  };
  process.send?.(started);
  stopOnSignals(() => aggregator.stop(), logger);
}
