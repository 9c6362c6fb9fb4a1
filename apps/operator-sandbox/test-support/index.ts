export * from './device-browser.js';
export * from './sandbox-fixture.js';
