import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { SERVICE, startSandboxes } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// An operator that restarts comes back with a new ID-token signing key and without its sessions
// (the sandbox keeps them in memory). Cached discovery must not keep its flows failing.
let s: CoreStack;
let restarted: RunningSandbox[] = [];
beforeAll(async () => {
  s = await startCoreStack();
}, 60_000);
afterAll(async () => {
  await Promise.all(restarted.map((r) => r.close()));
  await s.stop();
});

const SCOPE = `openid ${SERVICE} number-verification:verify`;

describe('operator restart', () => {
  it('the flow after an operator restart with a new signing key succeeds', async () => {
    const first = await s.authorize('127.10.7.1', s.secretApp, { prompt: 'none', scope: SCOPE });
    expect(first.params?.get('code')).toEqual(expect.any(String));

    const ports = s.sandboxes.map((b) => b.port);
    await Promise.all(s.sandboxes.map((b) => b.close()));
    restarted = await startSandboxes(s.agg.issuer, ports);

    const second = await s.authorize('127.10.7.2', s.secretApp, { prompt: 'none', scope: SCOPE });
    expect(second.params?.get('error')).toBeNull();
    expect(second.params?.get('code')).toEqual(expect.any(String));
  });
});
