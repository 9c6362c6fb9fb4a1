export { startDemoApp, type DemoAppDeps, type RunningDemoApp } from './start-demo-app.js';
export { ConfigError, loadConfig, SECRET_KEYS, type DemoAppConfig } from './config.js';
export { silentLogger, type Logger } from './logger.js';
