import { describe, expect, it } from '@jest/globals';
import { UnsecuredJWT } from 'jose';
import { SwitchboardError } from './errors.js';
import { extractSdJwt, openid4vpRequest, type DcqlCredential } from './openid4vp.js';

const NONCE = 'n-0123456789abcdef';
const SD_JWT = 'aaa.bbb.ccc~ddd.eee.fff';

/** A credential whose authorization JWT carries `nonce` (the signature is not the app's to check). */
function credential(nonce: string): DcqlCredential {
  return {
    id: 'sb-ot-abc',
    format: 'dc-authorization+sd-jwt',
    meta: {
      vct_values: ['number-verification/device-phone-number/ts43'],
      credential_authorization_jwt: new UnsecuredJWT({ nonce }).encode(),
    },
  };
}

describe('openid4vpRequest (guide Step 1.4 "Constructing the OpenID4VP request")', () => {
  it('wraps the credential with the same nonce', () => {
    const c = credential(NONCE);
    expect(openid4vpRequest(c, NONCE)).toEqual({
      response_type: 'vp_token',
      response_mode: 'dc_api',
      nonce: NONCE,
      dcql_query: { credentials: [c] },
    });
  });

  it('refuses a nonce other than the one in the credential_authorization_jwt', () => {
    expect(() => openid4vpRequest(credential(NONCE), 'another-nonce-0123456')).toThrow(
      /not the one the credential was requested with/,
    );
  });

  it.each([
    ['no id', { id: '' }, /no id/],
    ['another format', { format: 'vc+sd-jwt' }, /format/],
    ['no vct_values', { meta: { credential_authorization_jwt: 'a.b.c' } }, /vct_values/],
    [
      'an authorization JWT that is no JWT',
      { meta: { vct_values: ['v'], credential_authorization_jwt: 'garbage' } },
      /not a JWT/,
    ],
  ])('refuses a credential with %s', (_name, patch, message) => {
    const err = (() => {
      try {
        return openid4vpRequest({ ...credential(NONCE), ...patch } as DcqlCredential, NONCE);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SwitchboardError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message });
  });
});

describe('extractSdJwt (guide Step 2 "OpenID4VP response shape")', () => {
  const response = {
    protocol: 'openid4vp-v1-unsigned',
    data: { vp_token: { 'sb-ot-abc': [SD_JWT] } },
  };

  it('reads data.vp_token[id][0] from an object or from Android credentialJson text', () => {
    expect(extractSdJwt(response, 'sb-ot-abc')).toBe(SD_JWT);
    expect(extractSdJwt(JSON.stringify(response), 'sb-ot-abc')).toBe(SD_JWT);
  });

  it.each([
    ['another id', response, 'sb-ot-other', /no data\.vp_token\["sb-ot-other"\]\[0\]/],
    ['an inherited name', response, 'toString', /no data\.vp_token/],
    ['no data', { vp_token: response.data.vp_token }, 'sb-ot-abc', /no data\.vp_token/],
    ['an empty list', { data: { vp_token: { 'sb-ot-abc': [] } } }, 'sb-ot-abc', /no data/],
    ['text that is no JSON', '{not json', 'sb-ot-abc', /not JSON/],
    ['no credential id', response, '', /credentialId is required/],
    [
      'an entry that is no SD-JWT',
      { data: { vp_token: { 'sb-ot-abc': ['aaa.bbb.ccc~'] } } },
      'sb-ot-abc',
      /<Issuer JWT>~<Binding JWT>/,
    ],
  ])('refuses %s (INVALID_ARGUMENT)', (_name, input, id, message) => {
    expect(() => extractSdJwt(input, id)).toThrow(message);
  });
});
