import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { importJWK, SignJWT } from 'jose';
import { tableFingerprint } from '@switchboard/db/test-support';
import {
  contentType,
  createFuzzClient,
  expectOAuthJsonError,
  fuzzParameters,
  fuzzRuns,
  fuzzTimeout,
  headerValue,
  hostileString,
  hostileValue,
  rawBody,
} from '@switchboard/test-kit/test-support';
import {
  JWT_BEARER_GRANT,
  startCoreStack,
  type CoreStack,
  type OperatorTokenStack,
} from '../test-support/index.js';
import {
  openId4VpAppToken,
  requestOperatorTokenCredential,
} from '../test-support/operator-token.js';

// Hostile input (docs/security.md, "Hostile input") at the operator-token path's two
// interfaces: POST /openid4vp/credentials with random bodies and headers, and the JWT-bearer
// grant with random vp_token: subjects and mutated valid SD-JWTs. Never a 5xx; every refusal an
// OAuth JSON error; refused input writes nothing (openid4vp_requests, audit_log, assertion_uses…).
let s: CoreStack;
let ot: OperatorTokenStack;
let token: string;
/** Valid presentations: one whose request is still open, one already exchanged. */
let presentations: string[];
const http = createFuzzClient('127.30.0.11');
const DPN = 'dpv:ServiceProvision number-verification:device-phone-number:read';

beforeAll(async () => {
  s = await startCoreStack({ RATE_LIMIT_ENABLED: 'false' }, { operatorToken: true });
  ot = s.operatorToken!;
  token = String((await openId4VpAppToken(ot.at, ot.app)).body.access_token);
  const handset = await ot.handset();
  const open = await requestOperatorTokenCredential(ot.at, ot.app, { scope: DPN });
  presentations = [await handset.present(open.credential, open.nonce, 0, { skipEcs: true })];
  const used = await requestOperatorTokenCredential(ot.at, ot.app, { scope: DPN });
  const usedSdJwt = await handset.present(used.credential, used.nonce, 1, { skipEcs: true });
  await s.t.db.knex('openid4vp_requests').where({ id: used.credential.id }).delete();
  presentations.push(usedSdJwt);
}, 60_000);
afterAll(async () => {
  await http.close();
  await s?.stop();
});

/** Every table but the provider's replay cache (each client assertion it checks is kept). */
async function fingerprint() {
  const { oidc_models: _replays, ...rest } = await tableFingerprint(s.t.db.knex);
  return rest;
}

/** Bodies near the real one; carrier ids never an eligible one, so every answer is a refusal. */
const credentialBody = () =>
  fc.oneof(
    fc.record(
      {
        scope: fc.oneof(
          fc.constantFrom(DPN, 'dpv:ServiceProvision number-verification:verify', 'openid'),
          hostileValue(),
        ),
        lang: fc.oneof(fc.constantFrom('en', 'es-ES', 'zz', ''), hostileValue()),
        nonce: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._~-]{16,40}$/), hostileValue()),
        carrier_ids: fc.oneof(
          fc.array(
            fc.integer({ min: -5, max: 2 ** 31 + 5 }).filter((n) => n !== 90001 && n !== 90002),
            { maxLength: 10 },
          ),
          hostileValue(),
        ),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

describe('POST /openid4vp/credentials under hostile bodies and headers', () => {
  const runs = fuzzRuns('openid4vp credential requests');
  it(
    'never 5xx, answers OAuth JSON errors, and writes nothing',
    async () => {
      const before = await fingerprint();
      await fc.assert(
        fc.asyncProperty(
          rawBody(credentialBody()),
          contentType(),
          fc.oneof(
            fc.constant(`Bearer ${token}`),
            fc.constant(`Bearer ${token}`),
            headerValue(),
            fc.constant(undefined),
          ),
          fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
          async (body, type, authorization, method) => {
            const res = await http.send(`${s.agg.publicUrl}/openid4vp/credentials`, {
              method,
              headers: { 'content-type': type, authorization },
              body: method === 'GET' ? undefined : body,
            });
            expectOAuthJsonError(res);
            expect(res.headers['cache-control']).toBe('no-store');
          },
        ),
        fuzzParameters(runs),
      );
      expect(await fingerprint()).toEqual(before);
    },
    fuzzTimeout(runs),
  );
});

/** One change to a valid SD-JWT: a character, a cut, an extra `~`, swapped or doubled parts. */
const mutatedSdJwt = () =>
  fc
    .record({
      which: fc.nat(),
      at: fc.nat(),
      kind: fc.constantFrom('replace', 'cut', 'tilde', 'swap', 'double', 'header', 'claims'),
      char: fc.constantFrom(...'AZaz09-_.~+/='.split('')),
      text: hostileString(),
    })
    .map(({ which, at, kind, char, text }) => {
      const sdJwt = presentations[which % presentations.length]!;
      const i = at % sdJwt.length;
      const [issuer, binding] = sdJwt.split('~') as [string, string];
      switch (kind) {
        case 'replace':
          return sdJwt.slice(0, i) + char + sdJwt.slice(i + 1);
        case 'cut':
          return sdJwt.slice(0, i);
        case 'tilde':
          return `${sdJwt.slice(0, i)}~${sdJwt.slice(i)}`;
        case 'swap':
          return `${binding}~${issuer}`;
        case 'double':
          return `${issuer}~${issuer}`;
        case 'header':
          return `${reencode(issuer, 0, text)}~${binding}`;
        default:
          return `${issuer}~${reencode(binding, 1, text)}`;
      }
    });

/** A JWS with part `index` (header or payload) replaced by `text`, base64url-encoded. */
const reencode = (jws: string, index: number, text: string) => {
  const parts = jws.split('.');
  parts[index] = Buffer.from(text).toString('base64url');
  return parts.join('.');
};

/** The same bytes under another spelling would verify: such a "mutation" is no mutation. */
function decodesLikeAValidOne(sdJwt: string): boolean {
  const decode = (v: string) =>
    v
      .split(/[~.]/)
      .map((p) => Buffer.from(p, 'base64url').toString('hex'))
      .join('|');
  return presentations.some((p) => decode(p) === decode(sdJwt));
}

const subject = () =>
  fc.oneof(
    mutatedSdJwt().map((v) => `vp_token:${v}`),
    hostileString().map((v) => `vp_token:${v}`),
    fc.constantFrom(
      'vp_token:',
      'vp_token:~',
      'vp_token:a.b.c~d.e.f',
      'operatortoken:abc',
      'VP_TOKEN:x',
    ),
  );

describe('the JWT-bearer grant with hostile vp_token: subjects', () => {
  const runs = fuzzRuns('vp_token: exchanges');
  it(
    'never 5xx, answers invalid_grant, and writes nothing',
    async () => {
      const before = await fingerprint();
      const key = await importJWK(ot.app.jwk, 'ES256');
      await fc.assert(
        fc.asyncProperty(
          subject(),
          fc.oneof(
            fc.constant(DPN),
            fc.constant('dpv:ServiceProvision number-verification:verify'),
            hostileString(),
          ),
          async (sub, scope) => {
            fc.pre(!decodesLikeAValidOne(sub.slice('vp_token:'.length)));
            const now = Math.floor(Date.now() / 1000);
            const assertion = await new SignJWT({
              iss: ot.app.id,
              sub,
              aud: `${s.agg.issuer}/token`,
              iat: now,
              exp: now + 60,
              jti: randomUUID(),
              scope,
            })
              .setProtectedHeader({ alg: 'ES256', kid: ot.app.jwk.kid! })
              .sign(key);
            const res = await http.send(`${s.agg.publicUrl}/token`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
            });
            expectOAuthJsonError(res);
            expect(JSON.parse(res.text)).toMatchObject({ error: 'invalid_grant' });
          },
        ),
        fuzzParameters(runs),
      );
      expect(await fingerprint()).toEqual(before);
    },
    fuzzTimeout(runs),
  );
});
