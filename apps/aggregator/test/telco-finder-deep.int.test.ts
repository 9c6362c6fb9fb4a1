import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import type { Aggregator } from '../src/app.js';
import {
  finderToken,
  registerFinderClient,
  registerOperators,
  startSandboxes,
  startTestAggregator,
} from '../test-support/core-fixture.js';

// GSMA OPG.10 "MSISDN lookup" over real sockets: a DEEP search asks the Network Id API of the
// sandbox holding the number's prefix, with Switchboard's client-credentials token there, and
// routes the number by the network it answers (config/sandbox.json `portedNumbers`).
const ADMIN = { kind: 'admin', id: 'test' } as const;
let t: TestDatabase;
let agg: Aggregator;
let sandboxes: RunningSandbox[];
let token: string;

async function search(body: unknown) {
  const res = await fetch(`${agg.publicUrl}/telco-finder/v1/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db, undefined, { OPERATOR_DEV_MODE: 'true' });
  sandboxes = await startSandboxes(agg.publicUrl);
  const [a, b] = sandboxes as [RunningSandbox, RunningSandbox];
  await registerOperators(agg, a.url, b.url);
  await agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
  await agg.routes.addPrefixes('sandbox-b', ['+491700'], {}, ADMIN);
  await agg.routes.addNetworks('sandbox-a', ['99901'], ADMIN);
  await agg.routes.addNetworks('sandbox-b', ['99902'], ADMIN);
  await agg.routes.addPrefixes('sandbox-down', ['+3370'], {}, ADMIN);
  await agg.index.refresh();
  token = await finderToken(agg.publicUrl, await registerFinderClient(agg));
}, 60_000);
afterAll(async () => {
  await agg.stop();
  await Promise.all(sandboxes.map((s) => s.close()));
  await t.destroy();
});

describe('GSMA OPG telco finder: DEEP asks the Network Id API of the prefix holder (OPG.10 Network Id API)', () => {
  it('routes a ported number to its real operator; SHALLOW keeps the prefix holder', async () => {
    const target = { phoneNumber: '+34609900001' };
    expect((await search({ target })).json).toEqual({ operatorId: 'sandbox-a' });
    expect((await search({ target, portabilitySearchMode: 'SHALLOW' })).json).toEqual({
      operatorId: 'sandbox-a',
    });
    const deep = await search({ target, portabilitySearchMode: 'DEEP', includeApiRoot: true });
    expect(deep).toEqual({
      status: 200,
      json: { operatorId: 'sandbox-b', apiRoot: sandboxes[1]!.url },
    });
    expect(
      (await search({ target: { phoneNumber: '+4917009900001' }, portabilitySearchMode: 'DEEP' }))
        .json,
    ).toEqual({ operatorId: 'sandbox-a' });
  });

  it('keeps numbers that were not ported with the prefix holder', async () => {
    const r = await search({
      target: { phoneNumber: '+491700000005' },
      portabilitySearchMode: 'DEEP',
    });
    expect(r).toEqual({ status: 200, json: { operatorId: 'sandbox-b' } });
  });

  it('answers 503 UNAVAILABLE when the prefix holder cannot be asked', async () => {
    const r = await search({
      target: { phoneNumber: '+33700000001' },
      portabilitySearchMode: 'DEEP',
    });
    expect([r.status, r.json.code]).toEqual([503, 'UNAVAILABLE']);
    const shallow = await search({ target: { phoneNumber: '+33700000001' } });
    expect(shallow.json).toEqual({ operatorId: 'sandbox-down' });
  });
});
