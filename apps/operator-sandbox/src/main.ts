import winston from 'winston';
import { ConfigError, USAGE, loadRuntimeOptions } from './config.js';
import type { Logger } from './logger.js';
import { startSandbox, type RunningSandbox } from './start-sandbox.js';

/** `npm run sandbox`: the composition root for the command line (winston lives here only). */
async function main(): Promise<void> {
  const options = loadRuntimeOptions();
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logger = createLogger(options.logLevel);
  logger.warn('operator sandbox: demo/test double with public demo credentials; never expose it', {
    config: options.configPath,
    dataDir: options.config.dataDir,
  });
  const running: RunningSandbox[] = [];
  try {
    for (const instance of options.config.instances) {
      running.push(await startSandbox(instance, { logger, dataDir: options.config.dataDir }));
    }
  } catch (err) {
    await Promise.all(running.map((r) => r.close()));
    throw err;
  }
  for (const r of running) logger.info('sandbox ready', { instance: r.id, url: r.url });
  shutdownOnSignals(running, logger);
}

function shutdownOnSignals(running: ReadonlyArray<RunningSandbox>, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    Promise.all(running.map((r) => r.close())).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { error: (err as Error).message });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

const SECRET_KEYS =
  /^(access_?token|id_?token|temp_?token|token|client_?secret|secret|msisdn|phone_?number|devicephonenumber|authorization|password|assertion)$/i;

/** Structured JSON logs; keys that could hold secrets or MSISDNs are redacted defensively. */
function createLogger(level: string): Logger {
  const redact = winston.format((info) => {
    for (const key of Object.keys(info)) if (SECRET_KEYS.test(key)) info[key] = '[redacted]';
    return info;
  });
  return winston.createLogger({
    level,
    format: winston.format.combine(redact(), winston.format.timestamp(), winston.format.json()),
    defaultMeta: { service: 'operator-sandbox' },
    transports: [new winston.transports.Console()],
  });
}

main().catch((err: unknown) => {
  const message =
    err instanceof ConfigError
      ? err.message
      : `operator sandbox failed: ${(err as Error).stack ?? String(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
