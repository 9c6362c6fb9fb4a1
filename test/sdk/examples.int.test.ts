import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCoreStack, type CoreStack } from '@switchboard/aggregator/test-support/core-stack';
import { checkExample } from './example-scenario.js';

const examples = new URL('../../packages/sdk/examples/', import.meta.url);

// One stack for both examples, started before them: each test is then only the example's two
// verifications, not a stack's start-up as well (which, twice within one test's budget, timed
// out on a busy machine). The start itself gets the bound of every suite that starts the core
// stack: jest's default 30 s ran out with two other suites beside it on 2 cores.
let stack: CoreStack;
beforeAll(async () => {
  stack = await startCoreStack();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

describe("the SDK's examples run as written", () => {
  it('express-app.mjs (sessions by express-session) verifies a device’s own number, not another', async () => {
    await checkExample(new URL('express-app.mjs', examples).href, '/verify', stack);
  });

  it('express-helper.mjs (@switchboard/sdk/express) does the same', async () => {
    await checkExample(new URL('express-helper.mjs', examples).href, '/verification/start', stack);
  });

  it('the README shows exactly these files', () => {
    const readme = fs.readFileSync(new URL('../README.md', examples), 'utf8');
    for (const name of ['express-app.mjs', 'express-helper.mjs']) {
      const file = fs.readFileSync(new URL(name, examples), 'utf8');
      const start = file.indexOf('import ');
      const end = file.indexOf('\nif (import.meta.url');
      expect(readme).toContain(file.slice(start, end).trim());
    }
  });
});
