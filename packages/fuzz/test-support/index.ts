export * from './fuzz-support.js';
