import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './infra/logging.js';
import { startAggregator } from './app.js';

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
  const aggregator = await startAggregator(config, { logger });
  process.stdout.write(
    `\nSwitchboard aggregator\n  public API  ${aggregator.publicUrl}\n  admin API   ${aggregator.adminUrl}  (npx switchboard --help)\n  database    ${aggregator.database.description}\n\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    aggregator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { err: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `switchboard aggregator failed to start: ${(err as Error)?.message ?? String(err)}\n`,
  );
  process.exit(1);
});
