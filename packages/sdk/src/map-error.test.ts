import { describe, expect, it } from '@jest/globals';
import {
  AccessDeniedError,
  AuthorizationExpiredError,
  ConsentDeniedError,
  ConsentRequiredError,
  NetworkNotIdentifiedError,
  OAuthError,
  SwitchboardError,
  TimeoutError,
} from './errors.js';
import { oauthError, toSwitchboardError } from './map-error.js';

describe('oauthError', () => {
  it.each([
    'the device was not identified on the mobile network; connect over mobile data, not Wi-Fi',
    'The device could not be identified on a mobile network',
    'Unidentified network',
  ])('maps access_denied "%s" to NetworkNotIdentifiedError', (description) => {
    const err = oauthError('access_denied', description);
    expect(err).toBeInstanceOf(NetworkNotIdentifiedError);
    expect(err).toMatchObject({ code: 'NETWORK_NOT_IDENTIFIED', error: 'access_denied' });
    expect(err.error_description).toBe(description);
  });

  it('maps consent_required and a refused consent', () => {
    expect(oauthError('consent_required')).toBeInstanceOf(ConsentRequiredError);
    expect(oauthError('access_denied', 'the subscriber refused consent for dpv:X')).toBeInstanceOf(
      ConsentDeniedError,
    );
  });

  it('maps any other access_denied to AccessDeniedError, the base of both above', () => {
    const err = oauthError('access_denied', 'no legal basis for dpv:X');
    expect(err.constructor).toBe(AccessDeniedError);
    expect(err).toMatchObject({ code: 'ACCESS_DENIED', error: 'access_denied' });
    expect(oauthError('access_denied', 'not identified')).toBeInstanceOf(AccessDeniedError);
    expect(oauthError('access_denied', 'refused consent')).toBeInstanceOf(AccessDeniedError);
  });

  it('maps expired_token (CIBA) to AuthorizationExpiredError', () => {
    expect(oauthError('expired_token', 'too late')).toMatchObject({
      name: 'AuthorizationExpiredError',
      code: 'AUTHORIZATION_EXPIRED',
      error: 'expired_token',
    });
    expect(oauthError('expired_token')).toBeInstanceOf(AuthorizationExpiredError);
  });

  it('keeps any other error as a plain OAuthError', () => {
    expect(oauthError('unknown_user_id').constructor).toBe(OAuthError);
    expect(oauthError('invalid_scope', 'no purpose')).toMatchObject({
      code: 'OAUTH_ERROR',
      error: 'invalid_scope',
      message: 'invalid_scope: no purpose',
    });
  });
});

describe('toSwitchboardError', () => {
  it('recognises openid-client errors by their error field', () => {
    const thrown = Object.assign(new Error('authorization response error'), {
      error: 'server_error',
      error_description: 'operator down',
    });
    expect(toSwitchboardError(thrown, 'x')).toMatchObject({
      error: 'server_error',
      error_description: 'operator down',
    });
  });

  it('maps an abort anywhere in the cause chain to TimeoutError', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    const wrapped = new Error('fetch failed', { cause: abort });
    expect(toSwitchboardError(wrapped, 'discovery')).toBeInstanceOf(TimeoutError);
  });

  it('keeps SwitchboardErrors and wraps anything else with its code', () => {
    const own = new SwitchboardError('X', 'x');
    expect(toSwitchboardError(own, 'y')).toBe(own);
    const other = toSwitchboardError(Object.assign(new Error('bad'), { code: 'OAUTH_X' }), 'y');
    expect(other).toMatchObject({ code: 'OAUTH_X', message: 'y failed: bad' });
  });
});
