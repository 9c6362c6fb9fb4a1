import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import { CSRF_COOKIE, createCsrf } from './csrf.js';

function browser() {
  const cookies: string[] = [];
  const res = {
    cookie: (name: string, value: string) => cookies.push(`${name}=${value}`),
  } as unknown as Response;
  const req = () => ({ headers: { cookie: cookies.join('; ') } }) as unknown as Request;
  return { res, req, cookies };
}

describe('csrf', () => {
  const csrf = createCsrf('secret-secret-secret-secret');

  it('binds a token to the subject and the browser nonce cookie', () => {
    const a = browser();
    const token = csrf.issue(a.req(), a.res, 'interaction:1');
    expect(a.cookies).toEqual([expect.stringMatching(new RegExp(`^${CSRF_COOKIE}=`))]);
    expect(csrf.issue(a.req(), a.res, 'interaction:1')).toBe(token);
    expect(a.cookies).toHaveLength(1);
    expect(csrf.verify(a.req(), 'interaction:1', token)).toBe(true);
    expect(csrf.verify(a.req(), 'interaction:2', token)).toBe(false);
    expect(csrf.verify(a.req(), 'interaction:1', `${token}x`)).toBe(false);
    expect(csrf.verify(a.req(), 'interaction:1', undefined)).toBe(false);
  });

  it('rejects a token replayed from another browser', () => {
    const a = browser();
    const b = browser();
    const token = csrf.issue(a.req(), a.res, 's');
    csrf.issue(b.req(), b.res, 's');
    expect(csrf.verify(b.req(), 's', token)).toBe(false);
    expect(csrf.verify(browser().req(), 's', token)).toBe(false);
  });
});
