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
  rawBody,
} from '@switchboard/test-kit/test-support';
import type { RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from './device-browser.js';
import {
  FRAUD,
  SWITCHBOARD_CALLBACK,
  obtainToken,
  startInstance,
  switchboardAtA,
  testerAt,
  tokenRequest,
} from './sandbox-fixture.js';

/** What a hostile-input suite of one of sandbox-a's CAMARA APIs has of its own. */
export interface CamaraFuzzSuite {
  /** The `describe` title. */
  readonly title: string;
  /** The `it` title. */
  readonly property: string;
  /** The surface name `fuzzRuns` reads the run count for. */
  readonly surface: string;
  /** Prefix of the temporary data directory. */
  readonly dataDirPrefix: string;
  /** The device browser's address (it picks the subscriber of three-legged tokens). */
  readonly deviceAddress: string;
  /** One three-legged token per scope (`openid` and the fraud purpose added). */
  readonly threeLeggedScopes: ReadonlyArray<string>;
  /** A client_credentials token for this scope (fraud purpose added), after the others. */
  readonly twoLeggedScope?: string;
  readonly paths: ReadonlyArray<string>;
  readonly methods: ReadonlyArray<string>;
  readonly body: () => fc.Arbitrary<unknown>;
  /** How often a valid token is drawn against each kind of broken one (default 1). */
  readonly validTokenWeight?: number;
  /** Checks a 200 answer's decoded body; `path` is the request path. */
  readonly checkAnswer: (answer: Record<string, unknown>, path: string) => void;
}

/**
 * Hostile input (docs/security.md, "Hostile input") against sandbox-a's CAMARA API: random
 * paths, methods, bodies, content types, tokens, correlators and Accept headers. Never a 5xx,
 * every non-200 a well-formed CAMARA error, every 200 what `checkAnswer` accepts, and the
 * sandbox's persisted state file the same before and after.
 */
export function describeCamaraFuzz(suite: CamaraFuzzSuite): void {
  let sandbox: RunningSandbox;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), suite.dataDirPrefix));
  const stateFile = path.join(dataDir, 'sandbox-a', 'state.json');
  const state = () => (fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : 'none');
  const tokens: string[] = [];
  const device = new DeviceBrowser(suite.deviceAddress);
  const http = createFuzzClient();

  beforeAll(async () => {
    sandbox = await startInstance('sandbox-a', {}, { dataDir });
    for (const scope of suite.threeLeggedScopes) {
      const issued = await obtainToken(device, sandbox, switchboardAtA, {
        redirectUri: SWITCHBOARD_CALLBACK,
        scope: `openid ${FRAUD} ${scope}`,
      });
      tokens.push(String(issued.access_token));
    }
    if (suite.twoLeggedScope !== undefined) {
      const cc = await tokenRequest(sandbox.url, testerAt('sandbox-a'), {
        grant_type: 'client_credentials',
        scope: `${FRAUD} ${suite.twoLeggedScope}`,
      });
      tokens.push(String(cc.json.access_token));
    }
  }, 60_000);
  afterAll(async () => {
    await http.close();
    await device.close();
    await sandbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const request = () =>
    fc.record({
      path: fc.constantFrom(...suite.paths),
      method: fc.constantFrom(...suite.methods),
      body: rawBody(suite.body()),
      contentType: contentType(),
      token: fc.oneof(
        {
          arbitrary: fc.nat().map((i) => `Bearer ${tokens[i % tokens.length]}`),
          weight: suite.validTokenWeight ?? 1,
        },
        { arbitrary: headerValue(), weight: 1 },
        {
          arbitrary: fc.nat().map((n) => `Bearer ${tokens[0]!.slice(0, n % tokens[0]!.length)}`),
          weight: 1,
        },
        {
          arbitrary: hostileString().map((s) => `Bearer ${Buffer.from(s).toString('base64url')}`),
          weight: 1,
        },
      ),
      correlator: fc.option(headerValue()),
      accept: fc.option(fc.constantFrom('application/json', 'text/html', '*/*', 'x/y')),
    });

  describe(suite.title, () => {
    const runs = fuzzRuns(suite.surface);
    it(
      suite.property,
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
              suite.checkAnswer(JSON.parse(res.text) as Record<string, unknown>, r.path);
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
}
