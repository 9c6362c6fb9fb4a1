export { startAggregator, type Aggregator, type AggregatorDeps } from './app.js';
export { loadConfig, ConfigError, type AggregatorConfig } from './config.js';
export { createLogger, silentLogger } from './infra/logging.js';
