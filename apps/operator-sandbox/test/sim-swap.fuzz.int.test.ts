import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  contentType,
  createFuzzClient,
  expectCamaraError,
  fuzzParameters,
  fuzzRuns,
  fuzzTimeout,
  headerValue,
  hostileString,
  hostileValue,
  rawBody,
} from '@switchboard/test-kit/test-support';
import type { RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  FRAUD,
  SWITCHBOARD_CALLBACK,
  obtainToken,
  startInstance,
  switchboardAtA,
  testerAt,
  tokenRequest,
} from '../test-support/sandbox-fixture.js';

// Hostile input (docs/security.md, "Hostile input"): the sandbox operator's CAMARA SIM Swap
// API with random bodies, headers and tokens, three- and two-legged. Never a 5xx, always a
// SIM Swap answer or a CAMARA body; the persisted state file is compared before and after.
const SWAPPED = '+346001000007';
let sandbox: RunningSandbox;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-simswap-fuzz-'));
const stateFile = path.join(dataDir, 'sandbox-a', 'state.json');
const state = () => (fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : 'none');
let tokens: string[];
const device = new DeviceBrowser('127.10.0.7');
const http = createFuzzClient();

beforeAll(async () => {
  sandbox = await startInstance('sandbox-a', {}, { dataDir });
  const scope = 'sim-swap:check sim-swap:retrieve-date';
  const issued = await obtainToken(device, sandbox, switchboardAtA, {
    redirectUri: SWITCHBOARD_CALLBACK,
    scope: `openid ${FRAUD} ${scope}`,
  });
  const cc = await tokenRequest(sandbox.url, testerAt('sandbox-a'), {
    grant_type: 'client_credentials',
    scope: `${FRAUD} ${scope}`,
  });
  tokens = [String(issued.access_token), String(cc.json.access_token)];
}, 60_000);
afterAll(async () => {
  await http.close();
  await device.close();
  await sandbox.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const body = () =>
  fc.oneof(
    fc.record(
      {
        phoneNumber: fc.oneof(
          fc.constantFrom(SWAPPED, '+346001000005', '+346001000099', '+346009999999'),
          fc.stringMatching(/^\+?[1-9][0-9]{4,14}$/),
          hostileValue(),
        ),
        maxAge: fc.oneof(fc.integer({ min: -5, max: 3000 }), fc.double(), hostileValue()),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const request = () =>
  fc.record({
    path: fc.constantFrom(
      '/sim-swap/v2/check',
      '/sim-swap/v2/retrieve-date',
      '/sim-swap/v1/check',
      '/sim-swap/v2/check/x',
      '/sim-swap/v2/',
    ),
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
    body: rawBody(body()),
    contentType: contentType(),
    token: fc.oneof(
      fc.nat().map((i) => `Bearer ${tokens[i % tokens.length]}`),
      headerValue(),
      fc.nat().map((n) => `Bearer ${tokens[0]!.slice(0, n % tokens[0]!.length)}`),
      hostileString().map((s) => `Bearer ${Buffer.from(s).toString('base64url')}`),
    ),
    correlator: fc.option(headerValue()),
    accept: fc.option(fc.constantFrom('application/json', 'text/html', '*/*', 'x/y')),
  });

describe('sandbox CAMARA SIM Swap API under hostile input', () => {
  const runs = fuzzRuns('sandbox operator SIM Swap API');
  it(
    'never 5xx, answers SIM Swap or a CAMARA error, and changes no sandbox state',
    async () => {
      const before = state();
      await fc.assert(
        fc.asyncProperty(request(), async (r) => {
          const res = await http.send(`${sandbox.url}${r.path}`, {
            method: r.method,
            headers: {
              authorization: r.token,
              'content-type': r.contentType,
              'x-correlator': r.correlator ?? undefined,
              accept: r.accept ?? undefined,
            },
            body: r.method === 'GET' || r.method === 'DELETE' ? undefined : r.body,
          });
          if (res.status === 200) {
            const answer = JSON.parse(res.text) as Record<string, unknown>;
            if (r.path.endsWith('/check')) expect(answer).toEqual({ swapped: expect.any(Boolean) });
            else {
              const { latestSimChange, monitoredPeriod, ...rest } = answer;
              expect(rest).toEqual({});
              expect(latestSimChange === null || typeof latestSimChange === 'string').toBe(true);
              expect(monitoredPeriod === undefined || monitoredPeriod === 90).toBe(true);
            }
          } else {
            expectCamaraError(res);
          }
        }),
        fuzzParameters(runs),
      );
      expect(state()).toBe(before);
    },
    fuzzTimeout(runs),
  );
});
