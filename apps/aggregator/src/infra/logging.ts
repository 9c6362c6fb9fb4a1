import winston from 'winston';
import type { Logger } from '@switchboard/telco-finder';

const REDACT = /token|secret|password|authorization|private|jwk|key|msisdn|phone/i;

// Never log secrets or personal data (docs/security.md, "Logs"): redact by key name, everywhere.
const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (REDACT.test(key) && key !== 'message' && typeof info[key] !== 'number')
      info[key] = '[redacted]';
  }
  return info;
});

export function createLogger(options: {
  level: string;
  pretty?: boolean;
  silent?: boolean;
}): winston.Logger {
  return winston.createLogger({
    level: options.level,
    silent: options.silent ?? false,
    format: winston.format.combine(redact(), winston.format.timestamp(), winston.format.json()),
    defaultMeta: { service: 'aggregator' },
    transports: [new winston.transports.Console()],
  });
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
