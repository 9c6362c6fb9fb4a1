export * from './stub-issuer.js';
