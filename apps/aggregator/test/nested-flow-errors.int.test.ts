import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  APP_CALLBACK,
  authorizeUrl,
  redeemCode,
  SERVICE,
  FRAUD,
  type AppClient,
} from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

let s: CoreStack;
beforeAll(async () => {
  s = await startCoreStack();
}, 60_000);
afterAll(() => s.stop());

const authorize = (...a: Parameters<CoreStack['authorize']>) => s.authorize(...a);

describe('nested flow errors reach the app as OAuth errors', () => {
  it('tells the app what happened, not which operator: consent_required under prompt=none names neither Sandbox B nor sandbox-b', async () => {
    const { req, params } = await authorize('127.20.0.8', s.secretApp, { prompt: 'none' });
    expect(params?.get('error')).toBe('consent_required');
    expect(params?.get('state')).toBe(req.state);
    const description = params?.get('error_description') ?? '';
    expect(description).toMatch(/consent/);
    for (const names of [/sandbox/i, /Operator B/i, /\bB\b/, new URL(s.sandboxes[1]!.url).host])
      expect(description).not.toMatch(names);
    // Nor the operator's own words (sandbox-b's text for this refusal).
    expect(description).not.toMatch(/has not consented/);
  });

  it('passes operator errors back without their text, and reports a failed code exchange as server_error', async () => {
    const cases = [
      {
        callback: 'error=server_error&error_description=Sandbox%20Operator%20A%20says%20boom',
        error: 'server_error',
        says: /^the mobile operator could not process the request$/,
      },
      {
        callback: 'error=strange_error',
        error: 'server_error',
        says: /^the mobile operator answered with an unexpected error$/,
      },
      {
        callback: 'code=forged-operator-code',
        error: 'server_error',
        says: /^the mobile operator returned an invalid token response$/,
      },
    ];
    for (const [i, c] of cases.entries()) {
      const req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt: 'none' });
      const browser = s.device(`127.10.1.${i + 1}`);
      const toOperator = await browser.follow(req.url, s.sandboxes[0]!.url);
      const state = toOperator.redirect!.searchParams.get('state')!;
      const back = `${s.agg.publicUrl}/operator-callback?state=${state}&${c.callback}`;
      const { redirect } = await browser.follow(back, APP_CALLBACK);
      expect(redirect?.searchParams.get('error')).toBe(c.error);
      expect(redirect?.searchParams.get('error_description')).toMatch(c.says);
      expect(redirect?.searchParams.get('state')).toBe(req.state);
    }
  });

  it('answers access_denied for a device on an unknown network', async () => {
    const { params } = await authorize('127.30.0.1', s.secretApp, { prompt: 'none' });
    expect(params?.get('error')).toBe('access_denied');
    expect(params?.get('error_description')).toMatch(/could not be identified.*Wi-Fi/);
  });

  it('answers temporarily_unavailable when the operator is down, without naming it', async () => {
    const { params } = await authorize('127.40.0.1', s.secretApp, {});
    expect(params?.get('error')).toBe('temporarily_unavailable');
    expect(params?.get('error_description')).toBe(
      'the mobile operator could not be reached; try again later',
    );
  });

  it('refuses an unknown state at the operator callback with a page', async () => {
    const page = await s
      .device('127.10.0.9')
      .get(`${s.agg.publicUrl}/operator-callback?state=forged&code=x`);
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/unknown, expired or already used/);
  });

  it('refuses a replayed AggregatorCode', async () => {
    const { req, params } = await authorize('127.10.0.10', s.secretApp, { prompt: 'none' });
    const code = params!.get('code')!;
    expect((await s.tokenFor(s.secretApp, code, req.verifier)).status).toBe(200);
    const again = await redeemCode(
      `${s.agg.publicUrl}/token`,
      s.agg.issuer,
      s.secretApp,
      code,
      req.verifier,
    );
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('never redirects to an unregistered redirect_uri', async () => {
    const { page, redirect } = await authorize('127.10.0.11', s.secretApp, {
      redirectUri: 'http://127.0.0.1:3999/elsewhere',
    });
    expect(redirect).toBeUndefined();
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/invalid_redirect_uri|redirect_uri/);
  });

  it('answers invalid_scope without exactly one dpv: purpose', async () => {
    for (const scope of ['openid number-verification:verify', `openid ${FRAUD} ${SERVICE}`]) {
      const { params } = await authorize('127.10.0.12', s.secretApp, { scope, prompt: 'none' });
      expect(params?.get('error')).toBe('invalid_scope');
    }
  });

  it('refuses a wrong client secret at the token endpoint', async () => {
    const { req, params } = await authorize('127.10.0.13', s.secretApp, { prompt: 'none' });
    const wrong = { ...s.secretApp, secret: 'not-the-secret' } as AppClient;
    const res = await redeemCode(
      `${s.agg.publicUrl}/token`,
      s.agg.issuer,
      wrong,
      params!.get('code')!,
      req.verifier,
    );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });
});
