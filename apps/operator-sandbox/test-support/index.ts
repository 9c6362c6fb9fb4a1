export * from './device-browser.js';
export * from './sandbox-fixture.js';
export * from './camara-fuzz.js';
export * from './config-fixture.js';
export * from './backend-flows.js';
