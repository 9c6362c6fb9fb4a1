import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import {
  AbortedError,
  AccessDeniedError,
  AuthorizationExpiredError,
  OAuthError,
  createSwitchboardClient,
  type Clock,
} from '../src/index.js';
import {
  startFakeBackendIssuer,
  type FakeBackendIssuer,
  type FakeBackendIssuerOptions,
} from '../test-support/fake-backend-issuer.js';

const CLIENT_ID = 'fraud-engine';
const PURPOSE = 'dpv:FraudPreventionAndDetection';

/** Time that passes only when the SDK sleeps; records every wait. */
function fakeClock(): Clock & { waits: number[] } {
  let now = Date.now();
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      now += ms;
    },
  };
}

describe('backend flows against a fake ICM authorization server (real socket)', () => {
  let publicKey: CryptoKey;
  let privateJwk: JWK;
  let issuer: FakeBackendIssuer | undefined;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    publicKey = pair.publicKey;
    privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1', alg: 'ES256' };
  });
  afterEach(async () => {
    await issuer?.close();
    issuer = undefined;
  });

  const setUp = async (o: Partial<FakeBackendIssuerOptions> = {}) => {
    issuer = await startFakeBackendIssuer({ clientId: CLIENT_ID, clientKey: publicKey, ...o });
    const clock = fakeClock();
    const sb = createSwitchboardClient({
      issuer: issuer.url,
      clientId: CLIENT_ID,
      privateKey: privateJwk,
      allowInsecureRequests: true,
      clock,
    });
    return { sb, clock, issuer };
  };
  const polls = (i: FakeBackendIssuer) => i.requests.filter((r) => r.path === '/token');

  describe('CIBA', () => {
    it('starts with login_hint and scope, waits interval before each poll, and returns a session the APIs accept', async () => {
      const { sb, clock, issuer } = await setUp({
        interval: 2,
        polls: ['authorization_pending', 'authorization_pending', 'tokens'],
      });
      const session = await sb.backend.authorize({
        phoneNumber: '+34600000001',
        purpose: 'FraudPreventionAndDetection',
        scopes: ['sim-swap:check'],
      });
      const [start] = issuer.requests;
      expect(start).toMatchObject({
        path: '/bc-authorize',
        form: {
          login_hint: 'tel:+34600000001',
          scope: `openid ${PURPOSE} sim-swap:check`,
          client_id: CLIENT_ID,
        },
      });
      expect(polls(issuer)).toHaveLength(3);
      expect(polls(issuer)[0]!.form).toMatchObject({
        grant_type: 'urn:openid:params:grant-type:ciba',
        auth_req_id: expect.any(String),
      });
      expect(clock.waits).toEqual([2000, 2000, 2000]);
      expect(session).toMatchObject({
        accessToken: issuer.issued[0],
        scope: `openid ${PURPOSE} sim-swap:check`,
        idTokenClaims: { sub: 'pairwise-subject' },
      });
      await expect(sb.simSwap.check(session)).resolves.toBe(false);
    });

    it('waits 5 s more after slow_down, for that and every later poll (CIBA Core §11)', async () => {
      const { sb, clock } = await setUp({
        interval: 5,
        polls: ['authorization_pending', 'slow_down', 'authorization_pending', 'tokens'],
      });
      await sb.backend.authorize({
        deviceAddress: '127.0.0.1',
        purpose: PURPOSE,
        scopes: ['sim-swap:check'],
      });
      expect(clock.waits).toEqual([5000, 5000, 10_000, 10_000]);
    });

    it('keeps polling after temporarily_unavailable, and waits 5 s when the server names no interval', async () => {
      const { sb, clock } = await setUp({ polls: ['temporarily_unavailable', 'tokens'] });
      await sb.backend.authorize({
        phoneNumber: '+34600000001',
        purpose: PURPOSE,
        scopes: ['kyc-match:match'],
      });
      expect(clock.waits).toEqual([5000, 5000]);
    });

    it("stops at expires_in with AuthorizationExpiredError, and on the server's expired_token", async () => {
      const { sb, issuer } = await setUp({
        interval: 5,
        expiresIn: 12,
        polls: ['authorization_pending'],
      });
      const o = { phoneNumber: '+34600000001', purpose: PURPOSE, scopes: ['sim-swap:check'] };
      const err = await sb.backend.authorize(o).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthorizationExpiredError);
      expect(err).toMatchObject({ code: 'AUTHORIZATION_EXPIRED', error: 'expired_token' });
      expect(polls(issuer)).toHaveLength(2);
      await issuer.close();

      const server = await setUp({ polls: ['authorization_pending', 'expired_token'] });
      await expect(server.sb.backend.authorize(o)).rejects.toBeInstanceOf(
        AuthorizationExpiredError,
      );
    });

    it('ends with AccessDeniedError when the user or the operator says no', async () => {
      const { sb } = await setUp({ polls: ['authorization_pending', 'access_denied'] });
      const err = await sb.backend
        .authorize({ phoneNumber: '+34600000001', purpose: PURPOSE, scopes: ['sim-swap:check'] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AccessDeniedError);
      expect(err).toMatchObject({ code: 'ACCESS_DENIED', error: 'access_denied' });
    });

    it('stops waiting when the signal aborts (AbortedError)', async () => {
      const { sb, issuer } = await setUp({ polls: ['authorization_pending'] });
      const controller = new AbortController();
      const pending = sb.backend.authorize({
        phoneNumber: '+34600000001',
        purpose: PURPOSE,
        scopes: ['sim-swap:check'],
        signal: controller.signal,
      });
      controller.abort();
      const err = await pending.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortedError);
      expect(err).toMatchObject({ code: 'ABORTED' });
      expect(polls(issuer)).toHaveLength(0);
    });

    it('start and poll one step at a time: pending, slow_down, then the session', async () => {
      const { sb, issuer } = await setUp({
        interval: 3,
        expiresIn: 60,
        polls: ['authorization_pending', 'slow_down', 'tokens'],
      });
      const started = await sb.backend.start({
        deviceAddress: '[2001:db8::1]:8080',
        purpose: PURPOSE,
        scopes: ['location-verification:verify'],
      });
      expect(started).toEqual({ authReqId: expect.any(String), expiresIn: 60, interval: 3 });
      expect(issuer.requests[0]!.form.login_hint).toBe('ipport:[2001:db8::1]:8080');
      await expect(sb.backend.poll(started.authReqId)).resolves.toEqual({ status: 'pending' });
      await expect(sb.backend.poll(started.authReqId)).resolves.toEqual({ status: 'slow_down' });
      const done = await sb.backend.poll(started.authReqId);
      expect(done).toMatchObject({
        status: 'authorized',
        session: { accessToken: issuer.issued[0] },
      });
    });

    it.each(['unknown_user_id', 'temporarily_unavailable'])(
      'maps a bc-authorize %s (400, or 503) to an OAuthError naming it',
      async (error) => {
        const { sb, issuer } = await setUp({ startError: error });
        const o = { deviceAddress: '198.51.100.7', purpose: PURPOSE, scopes: ['sim-swap:check'] };
        const err = await sb.backend.authorize(o).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OAuthError);
        expect(err).toMatchObject({ error, error_description: 'scripted' });
        expect(polls(issuer)).toHaveLength(0);
      },
    );

    it('formats an IPv4 device address with its port as ipport:a.b.c.d:port', async () => {
      const { sb, issuer } = await setUp();
      await sb.backend.start({
        deviceAddress: '80.90.34.2:16790',
        purpose: PURPOSE,
        scopes: ['sim-swap:check'],
      });
      expect(issuer.requests[0]!.form.login_hint).toBe('ipport:80.90.34.2:16790');
    });
  });

  describe('JWT-bearer', () => {
    it('sends grant_type and assertion only, with the ICM claims, and returns a session', async () => {
      const { sb, issuer } = await setUp({ knownSubjects: ['tel:+34600000001'] });
      const session = await sb.backend.jwtBearer({
        phoneNumber: '+34600000001',
        purpose: PURPOSE,
        scopes: ['sim-swap:check', 'kyc-match:match'],
      });
      expect(Object.keys(issuer.requests[0]!.form).sort()).toEqual(['assertion', 'grant_type']);
      const [claims] = issuer.assertions;
      expect(claims).toMatchObject({
        iss: CLIENT_ID,
        sub: 'tel:+34600000001',
        aud: `${issuer.url}/token`,
        scope: `${PURPOSE} sim-swap:check kyc-match:match`,
        jti: expect.any(String),
      });
      expect(claims!.exp! - claims!.iat!).toBeLessThanOrEqual(300);
      expect(session).toMatchObject({
        accessToken: issuer.issued[0],
        scope: `${PURPOSE} sim-swap:check kyc-match:match`,
        idTokenClaims: {},
      });
      await expect(sb.simSwap.check(session)).resolves.toBe(false);
    });

    it("maps invalid_grant to an OAuthError with the server's description", async () => {
      const { sb } = await setUp({ knownSubjects: [] });
      const err = await sb.backend
        .jwtBearer({ phoneNumber: '+34600000009', purpose: PURPOSE, scopes: ['sim-swap:check'] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OAuthError);
      expect(err).toMatchObject({
        error: 'invalid_grant',
        error_description: 'the subject is not a subscriber of this operator',
      });
    });
  });

  describe('input checks, before any request', () => {
    it.each([
      [{ phoneNumber: '600000001' }, 'INVALID_PHONE_NUMBER'],
      [{ deviceAddress: 'not-an-ip' }, 'INVALID_ARGUMENT'],
      [{ phoneNumber: '+34600000001', deviceAddress: '1.2.3.4' }, 'INVALID_ARGUMENT'],
    ])('refuses %j (%s)', async (subject, code) => {
      const { sb, issuer } = await setUp();
      const o = { ...subject, purpose: PURPOSE, scopes: ['sim-swap:check'] } as never;
      await expect(sb.backend.authorize(o)).rejects.toMatchObject({ code });
      expect(issuer.requests).toEqual([]);
    });

    it('refuses two purposes, no scopes, and a client without a private key', async () => {
      const { sb, issuer } = await setUp();
      const base = { phoneNumber: '+34600000001', purpose: PURPOSE };
      await expect(sb.backend.jwtBearer({ ...base, scopes: [] })).rejects.toThrow('at least one');
      await expect(
        sb.backend.start({ ...base, scopes: ['dpv:Other', 'sim-swap:check'] }),
      ).rejects.toThrow('exactly one purpose');
      const secretOnly = createSwitchboardClient({
        issuer: issuer.url,
        clientId: CLIENT_ID,
        clientSecret: 'secret',
        allowInsecureRequests: true,
      });
      await expect(
        secretOnly.backend.jwtBearer({ ...base, scopes: ['sim-swap:check'] }),
      ).rejects.toThrow('need privateKey');
      expect(issuer.requests).toEqual([]);
    });
  });
});
