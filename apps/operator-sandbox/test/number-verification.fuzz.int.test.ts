import { createHash } from 'node:crypto';
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
} from '../test-support/sandbox-fixture.js';

// Hostile input (docs/security.md, "Hostile input"): the sandbox operator's own CAMARA NV API (what the proxy forwards
// to) with random bodies, headers and tokens. Never a 5xx, always a CAMARA body. The
// sandbox keeps no database: its persisted state file is compared before and after.
const DEVICE = '127.10.0.5';
const NUMBER = '+346001000005';
let sandbox: RunningSandbox;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sandbox-fuzz-'));
const stateFile = path.join(dataDir, 'sandbox-a', 'state.json');
const state = () => (fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : 'none');
let tokens: string[];
const device = new DeviceBrowser(DEVICE);
const http = createFuzzClient();

beforeAll(async () => {
  sandbox = await startInstance('sandbox-a', {}, { dataDir });
  tokens = [];
  for (const scope of ['number-verification:verify', 'number-verification-verify-read']) {
    const issued = await obtainToken(device, sandbox, switchboardAtA, {
      redirectUri: SWITCHBOARD_CALLBACK,
      scope: `openid ${FRAUD} ${scope}`,
    });
    tokens.push(String(issued.access_token));
  }
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
          fc.constantFrom(NUMBER, NUMBER.slice(1)),
          fc.stringMatching(/^\+?[1-9][0-9]{4,14}$/),
          hostileValue(),
        ),
        hashedPhoneNumber: fc.oneof(
          fc.constant(createHash('sha256').update(NUMBER).digest('hex')),
          hostileValue(),
        ),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

const request = () =>
  fc.record({
    path: fc.constantFrom(
      '/number-verification/v2/verify',
      '/number-verification/v0/verify',
      '/number-verification/v2/device-phone-number',
      '/number-verification/v0/device-phone-number',
      '/number-verification/v1/verify',
      '/number-verification/v2/verify/x',
    ),
    method: fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'DELETE'),
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

describe('sandbox CAMARA NV API under hostile input', () => {
  const runs = fuzzRuns('sandbox operator CAMARA API');
  it(
    'never 5xx, answers NV or a CAMARA error, and changes no sandbox state',
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
            expect(typeof answer.devicePhoneNumberVerified).toBe('boolean');
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
