import winston from 'winston';
import { ConfigError, loadConfig } from './config.js';
import { startDemoApp } from './start-demo-app.js';

// Runs the demo app alone: `npx tsx apps/demo-app/src/main.ts` (configuration: README of the app).

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
  const logger = winston.createLogger({
    level: config.logLevel,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    defaultMeta: { service: 'demo-app' },
    transports: [new winston.transports.Console()],
  });
  for (const key of config.devDefaults) {
    logger.warn(`${key} not set: using the public development default (refused in production)`);
  }
  const app = await startDemoApp(config, { logger });
  const callCentre = config.backend ? `client ${config.backend.clientId}` : 'not configured';
  const sim = config.sim ? `client ${config.sim.client.clientId}` : 'not configured';
  console.log(
    `Demo app: ${app.url}  (provider ${config.issuer}, client ${config.clientId}; call centre ${callCentre}; verify with your SIM ${sim})`,
  );
  const stop = () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
