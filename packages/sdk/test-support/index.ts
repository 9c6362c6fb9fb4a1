export * from './stub-issuer.js';
export * from './fake-backend-issuer.js';
