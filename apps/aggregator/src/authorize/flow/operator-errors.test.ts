import { describe, expect, it } from '@jest/globals';
import { appErrorFor, FLOW_ERRORS, isTimeout, operatorText } from './operator-errors.js';

describe('operator errors as the app sees them', () => {
  it('passes errors the app can act on, and maps the rest to server_error', () => {
    expect(appErrorFor('consent_required').error).toBe('consent_required');
    expect(appErrorFor('access_denied').error).toBe('access_denied');
    expect(appErrorFor('unauthorized_client').error).toBe('server_error');
    expect(appErrorFor('constructor').error).toBe('server_error');
  });

  it('describes what happened with fixed texts that name no operator', () => {
    const texts = [
      ...[
        'access_denied',
        'consent_required',
        'login_required',
        'interaction_required',
        'invalid_scope',
        'server_error',
        'temporarily_unavailable',
        'strange_error',
      ].map((e) => appErrorFor(e).description),
      appErrorFor('access_denied', 'not identified').description,
      appErrorFor('access_denied', 'refused consent').description,
      ...Object.values(FLOW_ERRORS).map((e) => e.description),
    ];
    for (const text of texts) {
      expect(text).toMatch(/^the (mobile|subscriber) [\x20-\x7e]+$/);
      expect(text.length).toBeLessThan(120);
    }
    expect(appErrorFor('consent_required').description).toMatch(/consent/);
  });

  it("tells access_denied cases apart by the operator's text, in words of its own", () => {
    const cases = [
      ['the device was not identified on the mobile network; use mobile data', /identify.*Wi-Fi/],
      ['Operator X: the subscriber refused consent for dpv:X', /refused consent/],
      ['Operator X says no', /did not authorize/],
      [null, /did not authorize/],
    ] as const;
    for (const [said, expected] of cases) {
      const { error, description } = appErrorFor('access_denied', said);
      expect(error).toBe('access_denied');
      expect(description).toMatch(expected);
      expect(description).not.toMatch(/Operator X|dpv:X|says no/);
    }
  });

  it("keeps the operator's own text printable, short and without phone numbers, for the log", () => {
    const text = operatorText(`no\n<b>${'x'.repeat(500)}`);
    expect(text).toMatch(/^no <b>x+$/);
    expect(text.length).toBe(200);
    expect(operatorText('line +34 600 000 001 refused (call 34600000001)')).toBe(
      'line [number] refused (call [number])',
    );
    expect(operatorText(null)).toBe('');
  });

  it('recognises timeouts and refused connections', () => {
    expect(isTimeout(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTimeout({ cause: { code: 'ECONNREFUSED' } })).toBe(true);
    expect(isTimeout(new Error('invalid response'))).toBe(false);
  });
});

describe('ICM Appendix A error codes are used exactly (ICM r4.2 Appendix A)', () => {
  it.each(['login_required', 'interaction_required'])(
    "an operator's %s reaches the app as access_denied, a code Appendix A lists",
    (code) => {
      const { error, description } = appErrorFor(code);
      expect(error).toBe('access_denied');
      expect(description).toMatch(/^the mobile operator /);
    },
  );
});
