import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  startCountingServer,
  tableResolver,
  type CountingServer,
} from '../../test-support/guarded-network.js';
import { createOperatorEgress } from '../infra/egress/operator-egress.js';
import { createUpstreamPool } from './upstream-pool.js';

// One egress per operator: the proxy's connections to an api root pass the same connect-time
// address guard as the flow's (infra/egress). `internal.example` stands for an api root name
// an operator re-pointed at an internal host after registration (DNS rebinding).
let target: CountingServer;
beforeAll(async () => {
  target = await startCountingServer('{"devicePhoneNumberVerified":true}');
});
afterAll(() => target.close());

const resolve = tableResolver({ 'internal.example': ['127.0.0.1'] });
const egress = createOperatorEgress({ timeoutMs: 2_000, devMode: false, network: { resolve } });
afterAll(() => egress.close());
const sandbox = () => ({
  id: 'sandbox-x',
  issuerUrl: `http://127.0.0.1:${target.port}`,
  apiRoot: `http://127.0.0.1:${target.port}`,
  allowInsecureHttp: true,
});

describe("the CAMARA proxy's connections go through the same egress", () => {
  const upstream = createUpstreamPool({ connectTimeoutMs: 2_000 }, (operatorId, timeoutMs) =>
    egress.proxyConnection(
      operatorId === 'sandbox-x'
        ? sandbox()
        : {
            id: operatorId,
            issuerUrl: 'https://auth.operator.example',
            apiRoot: `http://internal.example:${target.port}`,
            allowInsecureHttp: false,
          },
      timeoutMs,
    ),
  );
  afterAll(() => upstream.close());
  const verify = (operatorId: string, origin: string) =>
    upstream.request({
      operatorId,
      origin,
      path: '/number-verification/v2/verify',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"phoneNumber":"+34600000001"}'),
    });

  it('an api root whose name resolves to an internal host: 503 UNAVAILABLE and the host receives nothing', async () => {
    const before = target.hits();
    const err = await verify('op-moved', `http://internal.example:${target.port}`).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 503, code: 'UNAVAILABLE', failure: 'connect' });
    expect(String((err as Error).cause)).toMatch(/internal\.example resolves to 127\.0\.0\.1/);
    expect(target.hits()).toBe(before);
  });

  it('reaches the registered api root of a sandbox an admin marked insecure', async () => {
    const before = target.hits();
    const res = await verify('sandbox-x', `http://127.0.0.1:${target.port}`);
    expect(res.status).toBe(200);
    expect(target.hits()).toBe(before + 1);
  });
});
