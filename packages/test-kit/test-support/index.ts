export * from './fuzz-support.js';
export * from './refused-port.js';
