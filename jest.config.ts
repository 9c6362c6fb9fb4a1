import type { Config } from 'jest';

// ESM + TypeScript through @swc/jest (fast, no type check: `npm run typecheck` does that). Jest needs
// NODE_OPTIONS=--experimental-vm-modules, which `npm test` sets.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  },
];

const config: Config = {
  testEnvironment: 'node',
  // Workspace packages that publish built files (the SDK) resolve to their sources here.
  testEnvironmentOptions: { customExportConditions: ['switchboard-source', 'node', 'node-addons'] },
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc as never },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/{apps,packages,test}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/'],
  setupFiles: ['<rootDir>/packages/test-kit/test-support/jest-setup.ts'],
  globalSetup: '<rootDir>/packages/db/test-support/global-setup.mjs',
  globalTeardown: '<rootDir>/packages/db/test-support/global-teardown.mjs',
  testTimeout: 30_000,
  maxWorkers: 2,
};

export default config;
