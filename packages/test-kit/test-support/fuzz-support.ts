import fc from 'fast-check';
import { Agent, request } from 'undici';

/**
 * Shared pieces of the `*.fuzz.int.test.ts` suites (docs/security.md, "Hostile input"): how many cases
 * to run, hostile-value generators, one keep-alive HTTP client, and the response checks
 * every public surface must pass whatever it is sent.
 */

/** Cases per surface: FUZZ_RUNS, else 2,000 under CI=true, else a quick local default. */
export function fuzzRuns(surface: string): number {
  const configured = Number.parseInt(process.env.FUZZ_RUNS ?? '', 10);
  const runs =
    Number.isFinite(configured) && configured > 0
      ? configured
      : process.env.CI === 'true'
        ? 2_000
        : 150;
  process.stdout.write(`fuzz ${surface}: ${runs} cases (set FUZZ_RUNS to change)\n`);
  return runs;
}

/**
 * The seed CI runs with. CI must be reproducible: a red run means the code changed, not that
 * the dice did. Local runs and `npm run fuzz` draw a new seed each time to keep exploring.
 */
export const CI_FUZZ_SEED = 20_261_202;

/**
 * How long one case may take before it fails as hung: jest's own `testTimeout`
 * (jest.config.ts). A hang is caught here, case by case, and not by the whole test's limit,
 * which a slow or busy machine reaches with every case passing.
 */
export const FUZZ_CASE_TIMEOUT_MS = 30_000;

/** fast-check parameters: FUZZ_SEED replays a failure (fast-check prints the seed). */
export function fuzzParameters(
  numRuns: number,
  caseTimeoutMs = FUZZ_CASE_TIMEOUT_MS,
): fc.Parameters<unknown> {
  const configured = Number.parseInt(process.env.FUZZ_SEED ?? '', 10);
  const seed = Number.isFinite(configured)
    ? configured
    : process.env.CI === 'true'
      ? CI_FUZZ_SEED
      : undefined;
  return {
    numRuns,
    ...(seed === undefined ? {} : { seed }),
    endOnFailure: true,
    plugins: [fc.timeout(caseTimeoutMs)],
  };
}

/**
 * Jest timeout for a fuzz test, which is not how a hang is caught (FUZZ_CASE_TIMEOUT_MS is):
 * `msPerCase` is about what a case costs on an idle 2-core machine, and the limit allows ten
 * times that, so a passing run on a slow machine with other suites beside it ends inside it.
 * A CI run on such a machine once took 202 s for 2,000 cases that had 180 s (routing-sync).
 */
export const fuzzTimeout = (runs: number, msPerCase = 40) => 60_000 + runs * msPerCase * 10;

const NASTY = [
  '',
  ' ',
  '\u0000',
  '\u202e',
  '😀',
  '%00',
  '%2e%2e%2f',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE operators; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'NaN',
  '-1',
  '1e309',
  '0x7fffffff',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd',
  'javascript:alert(1)',
  '\r\nSet-Cookie: x=1',
  'A'.repeat(5_000),
];

/** Strings an attacker would try: edge cases, injection payloads, unicode, long runs. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ minLength: 300, maxLength: 3_000 }) },
  );

/** Any JSON value, or a hostile string, number or nesting: what a "field" may be sent as. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    hostileString(),
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, [], {}),
  );

/** A header value undici will send: visible ASCII and spaces (RFC 9110 field-value). */
export const headerValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map(String.fromCharCode) }),
    fc.constantFrom('', ' ', 'a'.repeat(300), 'a'.repeat(257), '{}', '<>', 'x;y', 'é'),
  );

/** A request body: JSON of a value, random bytes, broken JSON, or nothing. */
export const rawBody = (json: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer | undefined> =>
  fc.oneof(
    { weight: 5, arbitrary: json.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
    {
      weight: 1,
      arbitrary: json.map((v) => Buffer.from((JSON.stringify(v) ?? '').slice(0, -1))),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

export const contentType = (): fc.Arbitrary<string | undefined> =>
  fc.constantFrom(
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/problem+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'text/csv',
    'garbage',
    undefined,
  );

export interface FuzzResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** One keep-alive client per test file; `localAddress` picks the source (device) address. */
export function createFuzzClient(localAddress = '127.0.0.1') {
  const agent = new Agent({ localAddress, pipelining: 0 });
  return {
    async send(
      url: string,
      init: {
        method?: string;
        headers?: Record<string, string | undefined>;
        body?: Buffer | string | undefined;
      } = {},
    ): Promise<FuzzResponse> {
      const headers = Object.fromEntries(
        Object.entries(init.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
      );
      const res = await request(url, {
        method: (init.method ?? 'GET') as 'GET',
        headers,
        dispatcher: agent,
        ...(init.body === undefined ? {} : { body: init.body }),
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    },
    close: () => agent.close(),
  };
}
