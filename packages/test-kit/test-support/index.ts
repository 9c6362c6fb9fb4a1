export * from './fuzz-support.js';
export * from './refused-port.js';
export * from './known-warnings.js';
