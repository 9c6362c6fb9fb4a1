import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { KYC_MATCH_FIELDS, KYC_SCORED_FIELDS } from '@switchboard/camara';
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

// Hostile input (docs/security.md, "Hostile input"): the sandbox operator's CAMARA KYC Match
// API with random bodies, headers and tokens (3-legged for Ana García's line, 2-legged, and
// broken ones). Never a 5xx, always KYC_MatchResponse or a CAMARA body; no state change.
const DEVICE = '127.10.0.5';
const NUMBER = '+346001000005';
let sandbox: RunningSandbox;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sandbox-kyc-fuzz-'));
const stateFile = path.join(dataDir, 'sandbox-a', 'state.json');
const state = () => (fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : 'none');
let tokens: string[];
const device = new DeviceBrowser(DEVICE);
const http = createFuzzClient();

beforeAll(async () => {
  sandbox = await startInstance('sandbox-a', {}, { dataDir });
  const issued = await obtainToken(device, sandbox, switchboardAtA, {
    redirectUri: SWITCHBOARD_CALLBACK,
    scope: `openid ${FRAUD} kyc-match:match`,
  });
  const machine = await tokenRequest(sandbox.url, testerAt('sandbox-a'), {
    grant_type: 'client_credentials',
    scope: `${FRAUD} kyc-match:match`,
  });
  tokens = [String(issued.access_token), String(machine.json.access_token)];
}, 60_000);
afterAll(async () => {
  await http.close();
  await device.close();
  await sandbox.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const property = () =>
  fc.oneof(
    fc.constantFrom('Ana', 'García López', 'Calle Mayor 1, 3º B', '28013', 'ES', 'FEMALE'),
    fc.constantFrom('1985-04-12', '1985-02-30', 'ana.garcia@example.com', 'MALE', ''),
    fc.string(),
    hostileValue(),
  );

const body = () =>
  fc.oneof(
    fc.record(
      {
        phoneNumber: fc.oneof(
          fc.constantFrom(NUMBER, '+346001000007', '+34699999999'),
          fc.stringMatching(/^\+?[0-9]{3,16}$/),
          hostileValue(),
        ),
        ...Object.fromEntries(KYC_MATCH_FIELDS.map((f) => [f, property()])),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const request = () =>
  fc.record({
    path: fc.constantFrom(
      '/kyc-match/v0.3/match',
      '/kyc-match/v0.3/match',
      '/kyc-match/v0.3/match/x',
      '/kyc-match/v0.2/match',
      '/kyc-match/v0.3',
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

const RESULTS = new Set(['true', 'false', 'not_available']);
const SCORES = new Set([...KYC_SCORED_FIELDS].map((f) => `${f}MatchScore`));
const MATCHES = new Set(KYC_MATCH_FIELDS.map((f) => `${f}Match`));

describe('sandbox CAMARA KYC Match API under hostile input', () => {
  const runs = fuzzRuns('sandbox operator KYC Match API');
  it(
    'never 5xx, answers KYC_MatchResponse or a CAMARA error, and changes no sandbox state',
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
            expect(Object.keys(answer).length).toBeGreaterThan(0);
            for (const [key, value] of Object.entries(answer)) {
              if (SCORES.has(key)) {
                expect(Number.isInteger(value)).toBe(true);
                expect(value as number).toBeGreaterThanOrEqual(0);
                expect(value as number).toBeLessThanOrEqual(100);
                expect(answer[key.slice(0, -'Score'.length)]).toBe('false');
              } else {
                expect(MATCHES.has(key)).toBe(true);
                expect(RESULTS.has(value as string)).toBe(true);
              }
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
