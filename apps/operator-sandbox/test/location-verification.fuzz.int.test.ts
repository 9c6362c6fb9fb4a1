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

// Hostile input (docs/security.md, "Hostile input"): the sandbox operator's CAMARA Location
// Verification API with random bodies, headers and tokens (three- and two-legged). Never a
// 5xx, always a CAMARA body or a well-formed VerifyLocationResponse; no sandbox state changes.
const SCOPE = 'location-verification:verify';
let sandbox: RunningSandbox;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sandbox-lv-fuzz-'));
const stateFile = path.join(dataDir, 'sandbox-a', 'state.json');
const state = () => (fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : 'none');
let tokens: string[];
const device = new DeviceBrowser('127.10.0.5');
const http = createFuzzClient();

beforeAll(async () => {
  sandbox = await startInstance('sandbox-a', {}, { dataDir });
  const issued = await obtainToken(device, sandbox, switchboardAtA, {
    redirectUri: SWITCHBOARD_CALLBACK,
    scope: `openid ${FRAUD} ${SCOPE}`,
  });
  const cc = await tokenRequest(sandbox.url, testerAt('sandbox-a'), {
    grant_type: 'client_credentials',
    scope: `${FRAUD} ${SCOPE}`,
  });
  tokens = [String(issued.access_token), String(cc.json.access_token)];
}, 60_000);
afterAll(async () => {
  await http.close();
  await device.close();
  await sandbox.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const number = () =>
  fc.oneof(
    fc.constantFrom('+346001000005', '+346001000006', '+346001000007', '+346001000008'),
    fc.stringMatching(/^\+?[1-9][0-9]{4,14}$/),
    hostileValue(),
  );
const latitude = () => fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), hostileValue());
const longitude = () => fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), hostileValue());

const body = () =>
  fc.oneof(
    fc.record(
      {
        device: fc.oneof(
          fc.record(
            {
              phoneNumber: number(),
              networkAccessIdentifier: fc.oneof(fc.emailAddress(), hostileValue()),
              ipv4Address: fc.oneof(
                fc.record(
                  {
                    publicAddress: fc.oneof(fc.ipV4(), hostileValue()),
                    privateAddress: fc.oneof(fc.ipV4(), hostileValue()),
                    publicPort: fc.oneof(fc.integer({ min: -1, max: 70_000 }), hostileValue()),
                  },
                  { requiredKeys: [] },
                ),
                hostileValue(),
              ),
              ipv6Address: fc.oneof(fc.ipV6(), hostileValue()),
            },
            { requiredKeys: [] },
          ),
          hostileValue(),
        ),
        area: fc.oneof(
          fc.record(
            {
              areaType: fc.oneof(fc.constantFrom('CIRCLE', 'POLYGON'), hostileValue()),
              center: fc.oneof(
                fc.record({ latitude: latitude(), longitude: longitude() }, { requiredKeys: [] }),
                hostileValue(),
              ),
              radius: fc.oneof(fc.double({ min: -10, max: 1e8, noNaN: true }), hostileValue()),
            },
            { requiredKeys: [] },
          ),
          hostileValue(),
        ),
        maxAge: fc.oneof(fc.integer({ min: -10, max: 1e6 }), hostileValue()),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const request = () =>
  fc.record({
    path: fc.constantFrom(
      '/location-verification/v3/verify',
      '/location-verification/v3/verify',
      '/location-verification/v2/verify',
      '/location-verification/v3/verify/x',
    ),
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
    body: rawBody(body()),
    contentType: contentType(),
    token: fc.oneof(
      fc.nat().map((i) => `Bearer ${tokens[i % tokens.length]}`),
      fc.nat().map((i) => `Bearer ${tokens[i % tokens.length]}`),
      headerValue(),
      fc.nat().map((n) => `Bearer ${tokens[0]!.slice(0, n % tokens[0]!.length)}`),
      hostileString().map((s) => `Bearer ${Buffer.from(s).toString('base64url')}`),
    ),
    correlator: fc.option(headerValue()),
    accept: fc.option(fc.constantFrom('application/json', 'text/html', '*/*', 'x/y')),
  });

describe('sandbox CAMARA Location Verification API under hostile input', () => {
  const runs = fuzzRuns('sandbox operator CAMARA API');
  it(
    'never 5xx, answers a VerifyLocationResponse or a CAMARA error, and changes no sandbox state',
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
            expect(['TRUE', 'FALSE', 'PARTIAL']).toContain(answer.verificationResult);
            expect(typeof answer.lastLocationTime).toBe('string');
            if (answer.verificationResult === 'PARTIAL') {
              expect(answer.matchRate).toBeGreaterThanOrEqual(1);
              expect(answer.matchRate).toBeLessThanOrEqual(99);
            } else {
              expect(answer).not.toHaveProperty('matchRate');
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
