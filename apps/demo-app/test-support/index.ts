export * from './demo-stack.js';
export * from './switchboard-stack.js';
