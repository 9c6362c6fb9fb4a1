import { beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from 'jose';
import type { Clock } from './clock.js';
import { CarrierNotSupportedError, OAuthError, SwitchboardError } from './errors.js';
import { createSwitchboardClient } from './switchboard-client.js';

const ISSUER = 'https://switchboard.example';
const CLIENT_ID = 'bank-backend';
const SCOPE = 'openid dpv:FraudPreventionAndDetection number-verification:verify';
const NONCE = 'n-0123456789abcdef';
/** Where the manual clock starts: the SDK signs JWT-bearer assertions at this time. */
const START = Date.UTC(2026, 11, 3, 12);
const SD_JWT = 'aaa.bbb.ccc~ddd.eee.fff';
const CREDENTIAL = {
  id: 'sb-ot-abc',
  format: 'dc-authorization+sd-jwt',
  meta: { vct_values: ['number-verification/verify/ts43'], credential_authorization_jwt: 'x.y.z' },
};

type Answer = readonly [number, unknown];
interface Seen {
  readonly path: string;
  readonly headers: Headers;
  readonly form?: Record<string, string>;
  readonly json?: Record<string, unknown>;
}

let publicKey: CryptoKey;
let privateJwk: JWK;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  publicKey = pair.publicKey;
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1', alg: 'ES256' };
});

/**
 * An aggregator in a fetch function (no network in unit tests): discovery, `/token` for the
 * client-credentials and JWT-bearer grants, `/openid4vp/credentials`. Each test scripts the
 * answers of the last two; every request is recorded, and client assertions are verified.
 */
function fakeAggregator(
  o: {
    credentials?: readonly Answer[];
    clientCredentials?: Answer;
    jwtBearer?: Answer;
  } = {},
) {
  const seen: Seen[] = [];
  let tokens = 0;
  let posts = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    if (url.pathname === '/.well-known/openid-configuration')
      return reply([200, { issuer: ISSUER, token_endpoint: `${ISSUER}/token` }]);
    const body = String(init?.body ?? '');
    if (url.pathname === '/token') {
      const form = Object.fromEntries(new URLSearchParams(body));
      seen.push({ path: '/token', headers, form });
      if (form.grant_type === 'client_credentials') {
        const { payload } = await jwtVerify(form.client_assertion!, publicKey, {
          issuer: CLIENT_ID,
          subject: CLIENT_ID,
          audience: `${ISSUER}/token`,
        });
        expect(payload.jti).toEqual(expect.any(String));
        tokens += 1;
        return reply(
          o.clientCredentials ?? [
            200,
            { access_token: `app-token-${tokens}`, token_type: 'Bearer', expires_in: 300 },
          ],
        );
      }
      return reply(
        o.jwtBearer ?? [200, { access_token: 'nv-token', token_type: 'Bearer', expires_in: 300 }],
      );
    }
    if (url.pathname === '/openid4vp/credentials' && init?.method === 'POST') {
      seen.push({ path: url.pathname, headers, json: JSON.parse(body) as Record<string, unknown> });
      const answers = o.credentials ?? [[200, CREDENTIAL]];
      const answer = answers[Math.min(posts, answers.length - 1)]!;
      posts += 1;
      return reply(answer);
    }
    throw new Error(`unexpected ${init?.method ?? 'GET'} ${url.href}`);
  };
  return { fetch, seen, paths: () => seen.map((s) => s.path) };
}

function reply([status, body]: Answer): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(text, { status, headers: { 'content-type': 'application/json' } });
}

/** Time that moves only when the test says so. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = START;
  return {
    now: () => now,
    sleep: async () => undefined,
    advance: (ms) => {
      now += ms;
    },
  };
}

function client(fetch: typeof globalThis.fetch, clock: Clock = manualClock()) {
  return createSwitchboardClient({
    issuer: `${ISSUER}/`,
    clientId: CLIENT_ID,
    privateKey: privateJwk,
    fetch,
    clock,
  });
}

const request = { scope: SCOPE, nonce: NONCE, carrierIds: [90001, 1839], lang: 'pt-BR' };

describe('operatorToken.credential (guide Step 1)', () => {
  it('gets a client-credentials token (private_key_jwt, scope openid4vp) and posts the request with it', async () => {
    const agg = fakeAggregator();
    await expect(client(agg.fetch).operatorToken.credential(request)).resolves.toEqual(CREDENTIAL);
    const [token, post] = agg.seen;
    expect(token!.form).toMatchObject({
      grant_type: 'client_credentials',
      scope: 'openid4vp',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    });
    expect(post!.headers.get('authorization')).toBe('Bearer app-token-1');
    expect(post!.headers.get('content-type')).toBe('application/json');
    expect(post!.json).toEqual({
      scope: SCOPE,
      nonce: NONCE,
      carrier_ids: [90001, 1839],
      lang: 'pt-BR',
    });
  });

  it('keeps the token until 30 s before it expires, then gets a new one', async () => {
    const agg = fakeAggregator();
    const clock = manualClock();
    const sb = client(agg.fetch, clock);
    await sb.operatorToken.credential(request);
    clock.advance(269_000);
    await sb.operatorToken.credential({ ...request, lang: undefined });
    expect(agg.paths()).toEqual(['/token', '/openid4vp/credentials', '/openid4vp/credentials']);
    expect(agg.seen[2]!.json).not.toHaveProperty('lang');
    clock.advance(1_000);
    await sb.operatorToken.credential(request);
    expect(agg.paths().filter((p) => p === '/token')).toHaveLength(2);
    expect(agg.seen.at(-1)!.headers.get('authorization')).toBe('Bearer app-token-2');
  });

  it('gets a new token once when the aggregator answers 401, and gives up on a second 401', async () => {
    const unauthorized: Answer = [401, { error: 'invalid_token', error_description: 'expired' }];
    const agg = fakeAggregator({ credentials: [unauthorized, [200, CREDENTIAL]] });
    await expect(client(agg.fetch).operatorToken.credential(request)).resolves.toEqual(CREDENTIAL);
    expect(agg.seen.map((s) => s.headers.get('authorization') ?? s.path)).toEqual([
      '/token',
      'Bearer app-token-1',
      '/token',
      'Bearer app-token-2',
    ]);

    const refused = fakeAggregator({ credentials: [unauthorized] });
    const err = await client(refused.fetch)
      .operatorToken.credential(request)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ error: 'invalid_token', error_description: 'expired' });
    expect(refused.paths()).toEqual([
      '/token',
      '/openid4vp/credentials',
      '/token',
      '/openid4vp/credentials',
    ]);
  });

  it('throws CarrierNotSupportedError (code carrier_not_supported) with the fallback options', async () => {
    const agg = fakeAggregator({
      credentials: [
        [
          400,
          {
            error: 'carrier_not_supported',
            error_description: 'None of the provided carrier IDs are eligible for Operator Token.',
            fallback_options: ['network_authentication'],
          },
        ],
      ],
    });
    const err = await client(agg.fetch)
      .operatorToken.credential({ ...request, carrierIds: [1839] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CarrierNotSupportedError);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect(err).toMatchObject({
      code: 'carrier_not_supported',
      error: 'carrier_not_supported',
      fallbackOptions: ['network_authentication'],
    });
  });

  it('maps other refusals to OAuthError, and an answer that is not a credential to INVALID_RESPONSE', async () => {
    const scope = fakeAggregator({
      credentials: [[400, { error: 'invalid_scope', error_description: 'not allowed' }]],
    });
    await expect(client(scope.fetch).operatorToken.credential(request)).rejects.toMatchObject({
      code: 'OAUTH_ERROR',
      error: 'invalid_scope',
    });
    const html = fakeAggregator({ credentials: [[502, '<html>bad gateway</html>']] });
    await expect(client(html.fetch).operatorToken.credential(request)).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
      message: expect.stringContaining('HTTP 502'),
    });
    const wrong = fakeAggregator({ credentials: [[200, { ...CREDENTIAL, format: 'jwt' }]] });
    await expect(client(wrong.fetch).operatorToken.credential(request)).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
      message: expect.stringContaining('format'),
    });
  });

  it('reports a refused client-credentials token as an OAuthError, and posts nothing', async () => {
    const agg = fakeAggregator({
      clientCredentials: [400, { error: 'invalid_scope', error_description: 'no openid4vp' }],
    });
    await expect(client(agg.fetch).operatorToken.credential(request)).rejects.toMatchObject({
      error: 'invalid_scope',
      error_description: 'no openid4vp',
    });
    expect(agg.paths()).toEqual(['/token']);
  });

  it.each([
    ['an empty nonce', { nonce: '' }, /nonce/],
    ['a short nonce', { nonce: 'abc' }, /nonce/],
    ['a nonce with spaces', { nonce: 'a nonce with spaces!' }, /nonce/],
    ['no carrier ids', { carrierIds: [] }, /carrierIds/],
    ['nine carrier ids', { carrierIds: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, /carrierIds/],
    ['a carrier id 0', { carrierIds: [0] }, /carrierIds/],
    ['a fractional carrier id', { carrierIds: [1.5] }, /carrierIds/],
    ['a carrier id as text', { carrierIds: ['90001'] }, /carrierIds/],
    ['a carrier id above 2^31-1', { carrierIds: [2 ** 31] }, /carrierIds/],
    ['no purpose', { scope: 'number-verification:verify' }, /scope/],
    ['two purposes', { scope: 'dpv:A dpv:B number-verification:verify' }, /scope/],
    [
      'both NV scopes',
      {
        scope: 'dpv:A number-verification:verify number-verification:device-phone-number:read',
      },
      /scope/,
    ],
    ['another API scope', { scope: 'dpv:A sim-swap:check' }, /scope/],
    ['double spaces', { scope: 'dpv:A  number-verification:verify' }, /scope/],
    ['a bad lang', { lang: 'not a language' }, /lang/],
    ['a lang of 36 characters', { lang: `pt-${'abcdefgh-'.repeat(3)}abcdef` }, /lang/],
  ])('refuses %s before any request (INVALID_ARGUMENT)', async (_name, patch, message) => {
    const agg = fakeAggregator();
    const err = await client(agg.fetch)
      .operatorToken.credential({ ...request, ...(patch as object) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message });
    expect(agg.seen).toEqual([]);
  });
});

describe('operatorToken.exchange (guide Step 3)', () => {
  it('sends grant_type and an assertion with sub vp_token:<SD-JWT> and the scope claim without openid', async () => {
    const agg = fakeAggregator();
    const session = await client(agg.fetch).operatorToken.exchange({
      sdJwt: SD_JWT,
      scope: SCOPE,
    });
    expect(session).toMatchObject({ accessToken: 'nv-token', idTokenClaims: {} });
    const [{ form }] = agg.seen as [Seen];
    expect(Object.keys(form!).sort()).toEqual(['assertion', 'grant_type']);
    expect(form!.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const { payload } = await jwtVerify(form!.assertion!, publicKey, {
      issuer: CLIENT_ID,
      audience: `${ISSUER}/token`,
      requiredClaims: ['iat', 'exp', 'jti'],
      currentDate: new Date(START),
    });
    expect(payload.iat).toBe(START / 1000);
    expect(payload).toMatchObject({
      sub: `vp_token:${SD_JWT}`,
      scope: 'dpv:FraudPreventionAndDetection number-verification:verify',
    });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
    const header = JSON.parse(Buffer.from(form!.assertion!.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', kid: 'k1' });
  });

  it('maps invalid_grant (naming the failed check) and a 503 temporarily_unavailable to OAuthError', async () => {
    const refused = fakeAggregator({
      jwtBearer: [400, { error: 'invalid_grant', error_description: 'sd_hash does not match' }],
    });
    await expect(
      client(refused.fetch).operatorToken.exchange({ sdJwt: SD_JWT, scope: SCOPE }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'sd_hash does not match',
    });
    const down = fakeAggregator({
      jwtBearer: [503, { error: 'temporarily_unavailable', error_description: 'operator down' }],
    });
    await expect(
      client(down.fetch).operatorToken.exchange({ sdJwt: SD_JWT, scope: SCOPE }),
    ).rejects.toMatchObject({ error: 'temporarily_unavailable' });
  });

  it.each([
    ['an empty SD-JWT', ''],
    ['the vp_token: prefix', `vp_token:${SD_JWT}`],
    ['a trailing ~', `${SD_JWT}~`],
    ['one JWS only', 'aaa.bbb.ccc'],
    ['disclosures', `aaa.bbb.ccc~disclosure~ddd.eee.fff`],
  ])('refuses %s before any request', async (_name, sdJwt) => {
    const agg = fakeAggregator();
    await expect(
      client(agg.fetch).operatorToken.exchange({ sdJwt, scope: SCOPE }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /sdJwt/ });
    await expect(
      client(agg.fetch).operatorToken.exchange({ sdJwt: SD_JWT, scope: 'openid' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /scope/ });
    expect(agg.seen).toEqual([]);
  });
});
