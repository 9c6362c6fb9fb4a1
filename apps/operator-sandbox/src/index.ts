export { startSandbox, type RunningSandbox, type SandboxDeps } from './start-sandbox.js';
export {
  ConfigError,
  loadSandboxConfig,
  parseInstanceConfig,
  parseSandboxConfig,
  type SandboxClientConfig,
  type SandboxConfig,
  type SandboxInstanceConfig,
  type SubscriberRule,
} from './config.js';
export { silentLogger, type Logger } from './logger.js';
export type { Clock } from './clock.js';
export {
  NETWORK_AUTHENTICATION_AMR,
  NETWORK_AUTHENTICATION_ACR,
} from './services/network-authentication.js';
