#!/usr/bin/env node
// `npm run fuzz`: the property-based fuzz suites (`*.fuzz.*.test.ts`) with a fresh random seed
// and 2,000 cases per surface, to keep looking for bugs that CI's fixed seed does not reach.
// FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes the count; extra arguments go to Jest.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const seed = process.env.FUZZ_SEED ?? String(randomInt(-(2 ** 31), 2 ** 31 - 1));
const runs = process.env.FUZZ_RUNS ?? '2000';
process.stdout.write(`fuzz: seed ${seed}, ${runs} cases per surface (replay: FUZZ_SEED=${seed})\n`);
const test = fileURLToPath(new URL('./test.mjs', import.meta.url));
const result = spawnSync(
  process.execPath,
  [test, '--testPathPatterns', '\\.fuzz\\.', ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs } },
);
process.exit(result.status ?? 1);
