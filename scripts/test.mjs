#!/usr/bin/env node
// `npm test`: every test, on embedded PGlite, or on the PostgreSQL server named by
// TEST_DATABASE_URL. Jest's ESM support needs --experimental-vm-modules
// (https://jestjs.io/docs/ecmascript-modules).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const jest = fileURLToPath(new URL('../node_modules/jest/bin/jest.js', import.meta.url));
const nodeOptions = [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings']
  .filter(Boolean)
  .join(' ');
const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: nodeOptions },
});
process.exit(result.status ?? 1);
