import { describe, expect, it } from '@jest/globals';
import { CAMARA_ERRORS, CamaraError, camaraError, toCamaraBody } from './camara-error.js';

describe('CAMARA error model', () => {
  it('builds every code with its status and default message', () => {
    for (const [code, { status, message }] of Object.entries(CAMARA_ERRORS)) {
      const err = camaraError(code as keyof typeof CAMARA_ERRORS);
      expect(err).toBeInstanceOf(CamaraError);
      expect(toCamaraBody(err)).toEqual({ status, code, message });
    }
  });

  it('keeps a custom message on 4xx', () => {
    const body = toCamaraBody(camaraError('INVALID_ARGUMENT', 'phoneNumber must be E.164.'));
    expect(body).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: 'phoneNumber must be E.164.',
    });
  });

  it('never leaks a message or cause on 5xx', () => {
    const err = camaraError('BAD_GATEWAY', 'upstream 10.0.0.7 said: secret', {
      cause: new Error('stack'),
    });
    expect(toCamaraBody(err)).toEqual({
      status: 502,
      code: 'BAD_GATEWAY',
      message: CAMARA_ERRORS.BAD_GATEWAY.message,
    });
    const custom = new CamaraError(599, 'SOMETHING', 'internal detail');
    expect(toCamaraBody(custom).message).toBe(CAMARA_ERRORS.INTERNAL.message);
  });

  it('maps unknown thrown values to INTERNAL', () => {
    expect(toCamaraBody(new Error('db password wrong'))).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: CAMARA_ERRORS.INTERNAL.message,
    });
    expect(toCamaraBody('boom').code).toBe('INTERNAL');
  });

  it('has the NV-specific 403 code', () => {
    const err = camaraError('NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK');
    expect(err.status).toBe(403);
  });
});

describe('Commonalities r4.4: code ≤ 96 characters and message ≤ 512', () => {
  it('bounds a long code and message, cutting no character in half', () => {
    const message = `${'m'.repeat(510)}😀😀 and more`;
    const body = toCamaraBody(new CamaraError(400, `SANDBOX.${'C'.repeat(200)}`, message));
    expect([...body.code].length).toBeLessThanOrEqual(96);
    expect([...body.message].length).toBeLessThanOrEqual(512);
    expect(body.message.startsWith('m'.repeat(510))).toBe(true);
    expect(body.message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('leaves codes and messages within the limits unchanged', () => {
    const message = 'x'.repeat(512);
    expect(toCamaraBody(new CamaraError(400, 'INVALID_ARGUMENT', message)).message).toBe(message);
  });
});
