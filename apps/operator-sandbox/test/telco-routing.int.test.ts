import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseInstanceConfig, type RunningSandbox } from '../src/index.js';
import { SANDBOX_CONFIG, startInstance } from '../test-support/sandbox-fixture.js';

// GSMA OPG.10: the sandbox publishes its own routing table for telco finders to poll.
let a: RunningSandbox;
let bare: RunningSandbox;
beforeAll(async () => {
  a = await startInstance('sandbox-a');
  bare = await startInstance('sandbox-b', { routing: undefined });
});
afterAll(async () => {
  await Promise.all([a.close(), bare.close()]);
});

describe('GET /telco-routing/v1/routing', () => {
  it('lists the configured routes with the instance as the static target', async () => {
    const res = await fetch(`${a.url}/telco-routing/v1/routing`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      {
        ipv4: ['127.0.0.1/32', '127.10.0.0/16'],
        ipv6: ['::1/128'],
        msisdnPrefix: ['+3460'],
        network: ['99901'],
        static: {
          operatorId: 'sandbox-a',
          apiRoot: a.url,
          authProviderConfiguration: `${a.url}/.well-known/openid-configuration`,
        },
      },
    ]);
  });

  it('publishes an empty table without a routing config', async () => {
    expect(await (await fetch(`${bare.url}/telco-routing/v1/routing`)).json()).toEqual([]);
  });

  it('refuses a malformed routing config at boot, naming the key', () => {
    const base = structuredClone(SANDBOX_CONFIG.instances[0]!) as Record<string, unknown>;
    expect(() => parseInstanceConfig({ ...base, routing: { ipv4: ['::1/128'] } })).toThrow(
      /instances\[0\]\.routing\.ipv4\[0\]/,
    );
  });
});
