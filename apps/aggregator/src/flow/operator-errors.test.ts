import { describe, expect, it } from '@jest/globals';
import { appErrorFor, describeOperatorError, isTimeout } from './operator-errors.js';

describe('operator errors as the app sees them', () => {
  it('passes errors the app can act on, and maps the rest to server_error', () => {
    expect(appErrorFor('consent_required')).toBe('consent_required');
    expect(appErrorFor('access_denied')).toBe('access_denied');
    expect(appErrorFor('unauthorized_client')).toBe('server_error');
  });

  it('names the operator and keeps its text short and printable', () => {
    const text = describeOperatorError('Op A', 'access_denied', `no\n<b>${'x'.repeat(500)}`);
    expect(text).toMatch(/^the operator Op A answered access_denied: no <b>x+$/);
    expect(text.length).toBeLessThan(260);
    expect(describeOperatorError('Op A', 'server_error', null)).toBe(
      'the operator Op A answered server_error',
    );
  });

  it('recognises timeouts and refused connections', () => {
    expect(isTimeout(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTimeout({ cause: { code: 'ECONNREFUSED' } })).toBe(true);
    expect(isTimeout(new Error('invalid response'))).toBe(false);
  });
});
