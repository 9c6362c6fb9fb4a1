export * from './test-credential.js';
export * from './fake-entitlement.js';
