export * from './test-database.js';
export * from './table-fingerprint.js';
export * from './tcp-cut-proxy.js';
