import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Aggregator } from '../src/app.js';
import {
  APP_CALLBACK,
  authorizeUrl,
  FRAUD,
  requestObjectUrl,
  startTestAggregator,
  type AppClient,
  type RequestObjectOptions,
} from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// CAMARA ICM r4.2, documentation/CAMARA-Security-Interoperability.md, "Signed Authentication
// Requests" (RFC 9101 / OIDC Core §6 as profiled by ICM); issue 15, point 2.
type KeyApp = Extract<AppClient, { method: 'key' }>;

let s: CoreStack;
let app: KeyApp;
let device = 0;
beforeAll(async () => {
  s = await startCoreStack();
  app = s.keyApp;
}, 60_000);
afterAll(() => s.stop());

/** A fresh device of sandbox-a for each request: no session or rate limit carries over. */
const nextAddress = () => `127.10.3.${(device += 1)}`;

/** Sends a request object and returns the app's callback parameters (or the page when none). */
async function send(o: RequestObjectOptions = {}, to = s.agg.issuer, target = app) {
  const req = await requestObjectUrl(s.agg.issuer, target, o);
  const url = req.url.replace(s.agg.issuer, to);
  const { redirect, page } = await s.device(nextAddress()).follow(url, APP_CALLBACK);
  // An error answered in the fragment (the object's response_type asked for it) counts too.
  const params = redirect?.hash
    ? new URLSearchParams(redirect.hash.slice(1))
    : redirect?.searchParams;
  return { req, params, page };
}

function expectRefused(params: URLSearchParams | undefined, error: string, description: RegExp) {
  expect(params?.get('code')).toBeNull();
  expect(params?.get('error')).toBe(error);
  expect(params?.get('error_description')).toMatch(description);
}

describe('ICM signed request objects (issue 15, point 2)', () => {
  describe('iss, aud, iat, exp and jti are required in a request object', () => {
    it.each(['iss', 'aud', 'iat', 'exp', 'jti'])(
      'a request object without %s is refused with invalid_request_object naming it',
      async (claim) => {
        const { params } = await send({ omitClaims: [claim] });
        expectRefused(params, 'invalid_request_object', new RegExp(`'${claim}'`));
      },
    );
  });

  describe('exp − iat ≤ 300 s, and iat is not later than receipt', () => {
    it('refuses a request object living 301 s', async () => {
      const now = Math.floor(Date.now() / 1000);
      const { params } = await send({ claims: { iat: now, exp: now + 301 } });
      expectRefused(params, 'invalid_request_object', /'exp'.*300 seconds.*'iat'/);
    });

    it('refuses a request object issued in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      const { params } = await send({ claims: { iat: now + 60, exp: now + 120 } });
      expectRefused(params, 'invalid_request_object', /'iat' is in the future/);
    });

    it('accepts one living exactly 300 s', async () => {
      const now = Math.floor(Date.now() / 1000);
      const { params } = await send({ claims: { iat: now, exp: now + 300 } });
      expect(params?.get('error')).toBeNull();
      expect(params?.get('code')).toBeTruthy();
    });
  });

  describe('jti is single use across processes', () => {
    let other: Aggregator;
    beforeAll(async () => {
      const database = s.t.engine === 'postgres' ? await s.t.connectAgain() : s.t.db;
      other = await startTestAggregator(database, s.agg.issuer);
    });
    afterAll(() => other.stop());

    it('a second aggregator on the same database refuses a jti the first one accepted', async () => {
      const jti = `replay-${Date.now()}`;
      const first = await send({ claims: { jti } });
      expect(first.params?.get('code')).toBeTruthy();
      const replay = await send({ claims: { jti } }, other.publicUrl);
      expectRefused(replay.params, 'invalid_request_object', /'jti'.*used already/);
      const again = await send({ claims: { jti } });
      expectRefused(again.params, 'invalid_request_object', /'jti'.*used already/);
    });

    it('does not spend the jti of a request object whose signature does not verify', async () => {
      const jti = `forged-${Date.now()}`;
      const forged = await send({ claims: { jti }, forgeSignature: true });
      expectRefused(forged.params, 'invalid_request_object', /could not validate/);
      const genuine = await send({ claims: { jti } });
      expect(genuine.params?.get('code')).toBeTruthy();
    });
  });

  describe('aud is the issuer', () => {
    it.each([
      ['another issuer', 'https://other.example'],
      ['the authorization endpoint', 'AUTH_ENDPOINT'],
      ['the issuer among others', 'LIST'],
    ])('refuses aud = %s', async (_name, aud) => {
      const value =
        aud === 'AUTH_ENDPOINT'
          ? `${s.agg.issuer}/auth`
          : aud === 'LIST'
            ? [s.agg.issuer, 'https://other.example']
            : aud;
      const { params } = await send({ claims: { aud: value } });
      expectRefused(params, 'invalid_request_object', /'aud' must be the issuer/);
    });
  });

  describe('scope, response_type, client_id and redirect_uri in the query match the object', () => {
    it('refuses a query scope that differs from the object', async () => {
      const { params } = await send({
        query: { scope: `openid ${FRAUD} number-verification:device-phone-number:read` },
      });
      expectRefused(params, 'invalid_request_object', /'scope'.*differs/);
    });

    it('refuses a query response_type that differs from the object', async () => {
      const { params } = await send({ claims: { response_type: 'id_token' } });
      expectRefused(params, 'invalid_request_object', /response_type/);
    });

    it('refuses a query client_id that differs from the object', async () => {
      const { params } = await send({ claims: { client_id: s.secretApp.id } });
      expectRefused(params, 'invalid_request_object', /client_id/);
    });

    it('refuses a query redirect_uri that differs from the object, without redirecting', async () => {
      const { params, page } = await send({ claims: { redirect_uri: `${APP_CALLBACK}?other=1` } });
      // ICM Appendix A: a mismatching redirection URI is never redirected to.
      expect(params).toBeUndefined();
      expectRefused(shownOnPage(page.text), 'invalid_request_object', /'redirect_uri'.*differs/);
    });

    it.each(['scope', 'response_type', 'client_id', 'redirect_uri'])(
      'refuses a request object without %s',
      async (name) => {
        const { params, page } = await send({ omitClaims: [name] });
        expectRefused(params ?? shownOnPage(page.text), 'invalid_request_object', new RegExp(name));
      },
    );

    it.each(['scope', 'redirect_uri'])(
      'refuses a request without %s in the query',
      async (name) => {
        const { params, page } = await send({ omitQuery: [name] });
        const shown = params ?? shownOnPage(page.text);
        expect(shown.get('code')).toBeNull();
        expect(shown.get('error')).toMatch(/^invalid_request/);
        expect(shown.get('error_description')).toMatch(new RegExp(name));
      },
    );
  });

  describe('every other parameter is taken from the object only', () => {
    it('ignores a query state, nonce and login_hint outside the object', async () => {
      const { req, params } = await send({
        query: { state: 'from-the-query', login_hint: 'ipport:127.20.0.9:5678' },
      });
      expect(params?.get('error')).toBeNull();
      // The object's state comes back, and the query's login_hint did not route to sandbox-b.
      expect(params?.get('state')).toBe(req.state);
      const token = await s.tokenFor(app, params!.get('code')!, req.verifier);
      expect(token.claims?.operator_id).toBe('sandbox-a');
    });
  });

  describe('a per-client setting requires signed requests', () => {
    let strict: KeyApp;
    beforeAll(async () => {
      const created = await s.agg.clients.add({
        name: 'Strict app',
        redirectUris: [APP_CALLBACK],
        allowedScopes: ['number-verification:verify'],
        authMethod: 'private_key_jwt',
        generateKey: true,
        requireSignedRequestObject: true,
      });
      expect(created.client.requireSignedRequestObject).toBe(true);
      strict = { id: created.client.id, method: 'key', jwk: created.privateJwk! };
    });

    it('refuses an unsigned request of a client that requires signed ones', async () => {
      const plain = authorizeUrl(s.agg.issuer, strict, { prompt: 'none' });
      const { redirect } = await s.device(nextAddress()).follow(plain.url, APP_CALLBACK);
      expectRefused(redirect?.searchParams, 'invalid_request', /Request Object must be used/);
      expect(redirect?.searchParams.get('state')).toBe(plain.state);
    });

    it('completes the nested flow with a signed request of that client', async () => {
      const { req, params } = await send({}, s.agg.issuer, strict);
      expect(params?.get('error')).toBeNull();
      expect(params?.get('state')).toBe(req.state);
      const token = await s.tokenFor(strict, params!.get('code')!, req.verifier);
      expect(token.status).toBe(200);
      expect(token.claims).toMatchObject({ operator_id: 'sandbox-a', client_id: strict.id });
    });

    it('can be switched off again, and other clients are not affected', async () => {
      const updated = await s.agg.clients.update(strict.id, { requireSignedRequestObject: false });
      expect(updated.requireSignedRequestObject).toBe(false);
      expect((await s.agg.clients.get(app.id)).requireSignedRequestObject).toBe(false);
      const plain = authorizeUrl(s.agg.issuer, strict, { prompt: 'none' });
      const { redirect } = await s.device(nextAddress()).follow(plain.url, APP_CALLBACK);
      expect(redirect?.searchParams.get('code')).toBeTruthy();
    });
  });

  describe('a good signed request completes the nested flow', () => {
    it('returns a code for an AggregatorAccessToken routed by the device', async () => {
      const { req, params } = await send();
      expect(params?.get('error')).toBeNull();
      expect(params?.get('state')).toBe(req.state);
      const token = await s.tokenFor(app, params!.get('code')!, req.verifier);
      expect(token.status).toBe(200);
      expect(token.claims).toMatchObject({ operator_id: 'sandbox-a', client_id: app.id });
    });
  });
});

/** The error page (renderError, infra/http/error-page.ts): its error and description. */
function shownOnPage(html: string): URLSearchParams {
  const found = /<code>([^<]*)<\/code><\/p><p>([^<]*)<\/p>/.exec(html);
  return new URLSearchParams(
    found ? { error: found[1]!, error_description: found[2]!.replaceAll('&#39;', "'") } : {},
  );
}
