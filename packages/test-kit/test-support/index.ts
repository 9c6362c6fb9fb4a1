export * from './fuzz-support.js';
export * from './fuzz-checks.js';
export * from './refused-port.js';
export * from './known-warnings.js';
