export * from './harness.js';
export * from './run-cli.js';
