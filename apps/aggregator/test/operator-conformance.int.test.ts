import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import type { ConformanceResult, HealthReport } from '@switchboard/contracts';
import { aggregatorTokenAudience } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import { adminCli, startCoreStack, type CoreStack } from '../test-support/index.js';

// Issue 15, "The operator conformance check" and the per-operator scorecard
// (docs/operator-conformance.md): `switchboard operators check|health` through the admin API.
const ADMIN = { kind: 'admin', id: 'test' } as const;
let s: CoreStack;
let cli: Awaited<ReturnType<typeof adminCli>>;
let broken: Server;

/**
 * An operator with the three defects the issue names: its discovery names another issuer, and
 * its CAMARA 401 has the wrong body and no x-correlator echo.
 */
async function startBrokenOperator(): Promise<Server> {
  const { publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'b1' };
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration')
      return res.end(
        JSON.stringify({
          issuer: 'https://someone-else.example',
          authorization_endpoint: `${base}/auth`,
          token_endpoint: `${base}/token`,
          jwks_uri: `${base}/jwks`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
          grant_types_supported: ['authorization_code'],
        }),
      );
    if (req.url === '/jwks') return res.end(JSON.stringify({ keys: [jwk] }));
    res.writeHead(401).end(JSON.stringify({ error: 'unauthorized' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  s = await startCoreStack();
  cli = await adminCli(s.agg);
  broken = await startBrokenOperator();
  const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  await s.agg.operators.create(
    {
      id: 'broken-op',
      name: 'Broken Operator',
      country: 'FR',
      clientId: 'switchboard',
      issuerUrl: url,
      apiRoot: url,
      allowInsecureHttp: true,
      supportedApis: [{ name: 'number-verification', versions: ['v2'] }],
      credentials: {
        method: 'private_key_jwt',
        privateJwk: { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'k1' },
      },
    },
    ADMIN,
  );
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => broken.close(resolve));
  await s.stop();
});

const check = async (op: string) => {
  const run = await cli('operators', 'check', op, '--json');
  return {
    code: run.code,
    result: JSON.parse(run.stdout) as ConformanceResult,
    stderr: run.stderr,
  };
};
const failedIds = (r: ConformanceResult) =>
  r.scenarios.filter((x) => x.outcome === 'fail').map((x) => `${x.id}: ${x.got}`);

describe('operators check passes every scenario against both sandboxes (issue 15, operator conformance check)', () => {
  it.each([
    ['sandbox-a', '127.10.0.5'],
    ['sandbox-b', '127.20.0.5'],
  ])(
    '%s with the test device %s: discovery, 401s, x-correlator, each API’s success scenarios',
    async (op, ip) => {
      const set = await cli('operators', 'update', op, '--test-device-ip', ip);
      expect(set.code).toBe(0);
      const { code, result } = await check(op);
      expect(failedIds(result)).toEqual([]);
      expect(code).toBe(0);
      expect(result).toMatchObject({ operatorId: op, passed: true, failed: 0 });
      const passed = result.scenarios.filter((x) => x.outcome === 'pass').map((x) => x.id);
      expect(passed).toEqual(
        expect.arrayContaining([
          'discovery.issuer',
          'discovery.jwks',
          'discovery.pkce-s256',
          'discovery.private-key-jwt',
          'discovery.ciba',
          'discovery.jwt-bearer',
          'number-verification/v2 verify @401.1_no_authorization_header',
          'number-verification/v2 verify @401.3_invalid_access_token',
          'number-verification/v2 verify x-correlator echo',
          'sim-swap/v2 check x-correlator pattern',
          'number-verification/v2 device-phone-number @phone_number_share_01_generic_success_scenario',
          'number-verification/v2 verify @phone_number_verify.02_validate_phone_number_success_true',
          'number-verification/v2 verify @phone_number_verify.03_validate_phone_number_success_false',
          'sim-swap/v2 check @check_sim_swap_1_generic_success_scenario',
          'sim-swap/v2 retrieve-date @retrieve_sim_swap_date_1_generic_success_scenario',
        ]),
      );
      // Kept with its time, and shown by `operators show`.
      const shown = await cli('operators', 'show', op);
      expect(shown.stdout).toMatch(/last conformance\s+passed \(0 failed\) at \d{4}-\d\d-\d\dT/);
      expect(shown.stdout).toMatch(new RegExp(`test device ip\\s+${ip.replaceAll('.', '\\.')}\\n`));
    },
  );

  it('prints a table: scenario, expected, got, pass', async () => {
    const run = await cli('operators', 'check', 'sandbox-a');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^SCENARIO\s+EXPECTED\s+GOT\s+PASS/);
    expect(run.stdout).toMatch(
      /discovery\.issuer\s+http:\/\/127\.0\.0\.1:\d+\s+http:\/\/127\.0\.0\.1:\d+\s+yes/,
    );
    expect(run.stdout).toMatch(/passed: \d+ scenarios, 0 failed/);
  });

  it('runs the non-NV success scenarios with CIBA for a test tel: number alone', async () => {
    expect(
      (
        await cli(
          'operators',
          'update',
          'sandbox-a',
          '--no-test-device-ip',
          '--test-phone-number',
          '+346001000005',
        )
      ).code,
    ).toBe(0);
    const { code, result } = await check('sandbox-a');
    expect(failedIds(result)).toEqual([]);
    expect(code).toBe(0);
    const byId = new Map(result.scenarios.map((x) => [x.id, x]));
    expect(byId.get('sim-swap/v2 check @check_sim_swap_1_generic_success_scenario')?.outcome).toBe(
      'pass',
    );
    // NV needs network authentication: without a device address it is not run (informational).
    expect(
      byId.get(
        'number-verification/v2 verify @phone_number_verify.02_validate_phone_number_success_true',
      ),
    ).toMatchObject({ outcome: 'info', got: expect.stringContaining('test device address') });
  });
});

describe('operators check fails, naming the scenario, against a broken operator (issue 15, operator conformance check)', () => {
  it('issuer mismatch, wrong error body, no x-correlator echo: exit 1 and each named', async () => {
    const { code, result } = await check('broken-op');
    expect(code).toBe(1);
    expect(result.passed).toBe(false);
    const failed = result.scenarios.filter((x) => x.outcome === 'fail').map((x) => x.id);
    expect(failed).toEqual(
      expect.arrayContaining([
        'discovery.issuer',
        'number-verification/v2 verify @401.1_no_authorization_header',
        'number-verification/v2 verify @401.3_invalid_access_token',
        'number-verification/v2 device-phone-number @401.1_no_authorization_header',
        'number-verification/v2 verify x-correlator echo',
      ]),
    );
    expect(result.scenarios.find((x) => x.id === 'discovery.issuer')?.got).toBe(
      'https://someone-else.example',
    );
    // No CIBA advertised: not offered is informational, not a failure.
    expect(result.scenarios.find((x) => x.id === 'discovery.ciba')?.outcome).toBe('info');
    const table = await cli('operators', 'check', 'broken-op');
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/discovery\.issuer\s.*someone-else\.example\s+NO/);
    expect(table.stderr).toMatch(/FAILED: \d+ of \d+ scenarios failed: discovery\.issuer, /);
    const shown = await cli('operators', 'show', 'broken-op', '--json');
    expect(JSON.parse(shown.stdout).lastConformance).toMatchObject({ passed: false });
  });

  it.each([
    [['operators', 'check', 'nobody'], /unknown operator 'nobody'/],
    [
      ['operators', 'update', 'sandbox-a', '--test-device-ip', 'not-an-ip'],
      /deviceIp must be an IP address/,
    ],
    [
      ['operators', 'update', 'sandbox-a', '--test-phone-number', '600'],
      /phoneNumber must be E\.164/,
    ],
    [
      ['operators', 'health', '--window', '2 days'],
      /window must be a duration like 30m, 24h or 7d/,
    ],
  ])('%j: exit 2 with a clear message', async (argv, message) => {
    const run = await cli(...(argv as string[]));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('operators health shows both sandboxes after flows run (issue 15, per-operator scorecard)', () => {
  it('authorize and token legs, proxied calls with p50/p99, error rates, circuit openings, last check', async () => {
    const scope =
      'openid dpv:RequestedServiceProvision number-verification:device-phone-number:read';
    for (const ip of ['127.10.0.7', '127.20.0.7']) {
      const token = await s.accessToken(ip, s.secretApp, scope);
      const res = await fetch(`${s.agg.publicUrl}/number-verification/v2/device-phone-number`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    }
    await s.agg.flushUsage();
    const run = await cli('operators', 'health', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as HealthReport;
    expect(report.window).toBe('24h');
    for (const id of ['sandbox-a', 'sandbox-b']) {
      const h = report.items.find((i) => i.operatorId === id)!;
      expect(h.authorizeLeg.count).toBeGreaterThanOrEqual(1);
      expect(h.authorizeLeg.p50Ms).toEqual(expect.any(Number));
      expect(h.tokenLeg).toMatchObject({ count: expect.any(Number), failed: 0, timeouts: 0 });
      expect(h.tokenLeg.count).toBeGreaterThanOrEqual(1);
      expect(h.calls.count).toBe(1);
      expect(h.calls.p99Ms).toEqual(expect.any(Number));
      expect(h.calls).toMatchObject({ errorRate: 0, timeoutRate: 0 });
      expect(h.circuitOpenings).toBe(0);
      expect(h.lastConformance).toMatchObject({ passed: true, failed: 0 });
    }
    const table = await cli('operators', 'health');
    expect(table.stdout).toMatch(/^OPERATOR\s+STATUS\s+AUTHORIZE P50\/P99/);
    expect(table.stdout).toMatch(/sandbox-a\s+active\s/);
    expect(table.stdout).toMatch(/sandbox-b\s+active\s/);
  });

  it('counts circuit openings: calls to an unreachable operator open its circuit once', async () => {
    const keyring = await s.agg.keys.tokenKeyring();
    const now = Math.floor(Date.now() / 1000);
    // DEFAULT_CIRCUIT_BREAKER_OPTIONS.failureThreshold (5) refused connections open the circuit.
    for (let i = 0; i < 5; i += 1) {
      const token = await mintAggregatorAccessToken(
        {
          iss: s.agg.issuer,
          aud: aggregatorTokenAudience(s.agg.issuer),
          iat: now,
          exp: now + 60,
          jti: `circuit-${i}`,
          client_id: s.secretApp.id,
          scope: 'dpv:RequestedServiceProvision number-verification:device-phone-number:read',
          sub: 'pairwise-sub',
          operator_id: 'sandbox-down',
          api_root: 'http://127.0.0.1:9',
          operator_access_token: 'operator-token',
        },
        keyring,
      );
      const res = await fetch(`${s.agg.publicUrl}/number-verification/v2/device-phone-number`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBeGreaterThanOrEqual(500);
    }
    await s.agg.flushUsage();
    const report = JSON.parse((await cli('operators', 'health', '--json')).stdout) as HealthReport;
    const down = report.items.find((i) => i.operatorId === 'sandbox-down')!;
    expect(down.circuitOpenings).toBe(1);
    expect(down.calls.count).toBe(5);
    expect(down.calls.errorRate).toBe(1);
  });
});
