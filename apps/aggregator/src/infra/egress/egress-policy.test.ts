import { describe, expect, it } from '@jest/globals';
import { operatorChosenPolicy, operatorPolicy, urlRefusal } from './egress-policy.js';

const target = (url: string) => new URL(url);
const sandbox = {
  issuerUrl: 'http://127.0.0.1:4001',
  apiRoot: 'http://127.0.0.1:4001/camara',
  allowInsecureHttp: true,
};

describe('which operators skip the connect-time address guard', () => {
  it('OPERATOR_DEV_MODE: every connection, for every operator', () => {
    const policy = operatorPolicy({ ...sandbox, allowInsecureHttp: false }, true);
    expect(policy.unguarded(target('http://10.0.0.1:8080/token'))).toBe(true);
    expect(operatorChosenPolicy(true).unguarded(target('http://127.0.0.1/'))).toBe(true);
  });

  it('an operator an admin registered as insecure: only the origins of its registered issuer and api root', () => {
    const policy = operatorPolicy(sandbox, false);
    expect(policy.unguarded(target('http://127.0.0.1:4001/token'))).toBe(true);
    expect(policy.unguarded(target('http://127.0.0.1:4002/token'))).toBe(false);
    expect(policy.unguarded(target('https://127.0.0.1:4001/token'))).toBe(false);
    expect(policy.unguarded(target('http://internal.example:4001/token'))).toBe(false);
    expect(policy.allowHttp).toBe(true);
  });

  it('vouches for an origin the operator API cannot set (http, or a host forbidden in itself), never an https public one', () => {
    const policy = operatorPolicy(
      {
        issuerUrl: 'https://auth.op.example',
        apiRoot: 'https://[fd00::5]:8443/camara',
        allowInsecureHttp: true,
      },
      false,
    );
    // The operator may have moved its issuer here itself: a rebinding name stays guarded.
    expect(policy.unguarded(target('https://auth.op.example/token'))).toBe(false);
    expect(policy.unguarded({ protocol: 'https:', hostname: 'fd00::5', port: '8443' })).toBe(true);
  });

  it('any other operator, and URLs operators chose: nothing is exempt', () => {
    const secure = operatorPolicy({ ...sandbox, allowInsecureHttp: false }, false);
    expect(secure.unguarded(target('http://127.0.0.1:4001/token'))).toBe(false);
    expect(secure.allowHttp).toBe(false);
    expect(operatorChosenPolicy(false).unguarded(target('http://127.0.0.1:4001/'))).toBe(false);
  });
});

describe('urlRefusal: the rules of the issuer and api root, for any URL', () => {
  const strict = operatorChosenPolicy(false);
  it.each([
    ['https://auth.op.example/token', undefined],
    ['http://auth.op.example/token', 'token_endpoint must be an https URL'],
    ['ftp://auth.op.example/token', 'token_endpoint must be an http(s) URL'],
    ['not a url', 'token_endpoint must be an http(s) URL'],
    [
      'https://[::a9fe:a9fe]/token',
      'token_endpoint: [::a9fe:a9fe] is a loopback or private host (allowed only with OPERATOR_DEV_MODE)',
    ],
    [
      'https://localhost./token',
      'token_endpoint: localhost. is a loopback or private host (allowed only with OPERATOR_DEV_MODE)',
    ],
  ])('%s → %s', (url, refusal) => {
    expect(urlRefusal(strict, url, 'token_endpoint', { httpsOnly: true })).toBe(refusal);
  });

  it('lets a vouched origin and, with httpsOnly off, plain http through', () => {
    const policy = operatorPolicy(sandbox, false);
    expect(urlRefusal(policy, 'http://127.0.0.1:4001/t', 'x', { httpsOnly: true })).toBeUndefined();
    expect(urlRefusal(strict, 'http://a.example/t', 'x', { httpsOnly: false })).toBeUndefined();
  });
});
