import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, generateKeyPair, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';

// A small authorization server for the ICM backend flows over a real socket, strict where the
// SDK could go wrong: the client assertion's `aud` must be the exact endpoint URL (ICM r4.2
// "Client Authentication"), the JWT-bearer request carries `grant_type` and `assertion` only
// and its assertion the claims ICM r4.2 "JWT Bearer Flow" lists. Each test scripts the answers.

export type PollAnswer =
  | 'authorization_pending'
  | 'slow_down'
  | 'access_denied'
  | 'expired_token'
  | 'temporarily_unavailable'
  | 'tokens';

export interface FakeBackendIssuerOptions {
  readonly clientId: string;
  /** The client's public key (its private half signs the assertions). */
  readonly clientKey: CryptoKey;
  readonly expiresIn?: number;
  readonly interval?: number;
  /** The token endpoint's answers to successive CIBA polls; the last one repeats. */
  readonly polls?: readonly PollAnswer[];
  /** An error `bc-authorize` answers instead of starting (503 for `temporarily_unavailable`). */
  readonly startError?: string;
  /** JWT-bearer subjects the server knows; any other `sub` gets `invalid_grant`. */
  readonly knownSubjects?: readonly string[];
}

export interface FakeBackendIssuer {
  readonly url: string;
  /** Form bodies of every `bc-authorize` and `token` request, in order. */
  readonly requests: Array<{ path: string; form: Record<string, string> }>;
  /** Verified JWT-bearer assertion claims. */
  readonly assertions: JWTPayload[];
  /** Access tokens issued; `POST /sim-swap/v2/check` accepts them. */
  readonly issued: string[];
  close(): Promise<void>;
}

type Answer = readonly [number, Record<string, unknown>];

export async function startFakeBackendIssuer(
  o: FakeBackendIssuerOptions,
): Promise<FakeBackendIssuer> {
  const serverKey = await generateKeyPair('ES256');
  const requests: FakeBackendIssuer['requests'] = [];
  const assertions: JWTPayload[] = [];
  const issued: string[] = [];
  const jtis = new Set<string>();
  let polls = 0;
  let url = '';

  const verify = async (jwt: string | undefined, audience: string): Promise<JWTPayload> => {
    if (!jwt) throw new Error('no assertion');
    const { payload } = await jwtVerify(jwt, o.clientKey, { audience, issuer: o.clientId });
    const { iat, exp, jti } = payload;
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > 300)
      throw new Error('iat/exp missing or exp − iat > 300 s');
    if (!jti || jtis.has(jti)) throw new Error('jti missing or replayed');
    jtis.add(jti);
    return payload;
  };
  const clientAuth = async (form: Record<string, string>, endpoint: string) => {
    if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      throw new Error('not private_key_jwt');
    const claims = await verify(form.client_assertion, `${url}${endpoint}`);
    if (claims.sub !== o.clientId) throw new Error('sub is not the client_id');
  };
  const tokens = async (scope: string): Promise<Answer> => {
    const accessToken = randomUUID();
    issued.push(accessToken);
    const idToken = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(url)
      .setAudience(o.clientId)
      .setSubject('pairwise-subject')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(serverKey.privateKey);
    const body = { access_token: accessToken, token_type: 'Bearer', expires_in: 300, scope };
    return [200, scope.startsWith('openid') ? { ...body, id_token: idToken } : body];
  };
  let cibaScope = '';

  const routes: Record<string, (form: Record<string, string>) => Promise<Answer>> = {
    async '/bc-authorize'(form) {
      await clientAuth(form, '/bc-authorize').catch((e: Error) => {
        throw Object.assign(e, { answer: oauth(401, 'invalid_client', e.message) });
      });
      if (!form.login_hint || !form.scope)
        return oauth(400, 'invalid_request', 'login_hint, scope');
      if (o.startError)
        return oauth(
          o.startError === 'temporarily_unavailable' ? 503 : 400,
          o.startError,
          'scripted',
        );
      cibaScope = form.scope;
      const answer = { auth_req_id: randomUUID(), expires_in: o.expiresIn ?? 120 };
      return [200, o.interval === undefined ? answer : { ...answer, interval: o.interval }];
    },
    async '/token'(form) {
      if (form.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer') return jwtBearer(form);
      await clientAuth(form, '/token').catch((e: Error) => {
        throw Object.assign(e, { answer: oauth(401, 'invalid_client', e.message) });
      });
      const answer = o.polls?.[Math.min(polls, o.polls.length - 1)] ?? 'tokens';
      polls += 1;
      if (answer === 'tokens') return tokens(cibaScope);
      return oauth(answer === 'temporarily_unavailable' ? 503 : 400, answer, `scripted ${answer}`);
    },
  };

  const jwtBearer = async (form: Record<string, string>): Promise<Answer> => {
    const keys = Object.keys(form).sort().join(',');
    if (keys !== 'assertion,grant_type') return oauth(400, 'invalid_request', `sent ${keys}`);
    const claims = await verify(form.assertion, `${url}/token`).catch((e: Error) => {
      throw Object.assign(e, { answer: oauth(400, 'invalid_grant', e.message) });
    });
    assertions.push(claims);
    if (!/^tel:\+[1-9][0-9]{4,14}$/.test(String(claims.sub)))
      return oauth(400, 'invalid_grant', 'sub must be tel:+E164');
    if ((claims.iat ?? 0) > Math.floor(Date.now() / 1000) + 5)
      return oauth(400, 'invalid_grant', 'iat is in the future');
    const scope = typeof claims.scope === 'string' ? claims.scope : '';
    if (scope.split(' ').filter((s) => s.startsWith('dpv:')).length !== 1)
      return oauth(400, 'invalid_grant', 'the scope claim needs exactly one dpv: purpose');
    if (!o.knownSubjects?.includes(String(claims.sub)))
      return oauth(400, 'invalid_grant', 'the subject is not a subscriber of this operator');
    return tokens(scope);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: Error & { answer?: Answer }) =>
      send(res, e.answer ?? oauth(500, 'server_error', e.message)),
    );
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    if (req.method === 'GET' && path === '/.well-known/openid-configuration')
      return send(res, [200, metadata(url)]);
    if (req.method === 'POST' && path === '/sim-swap/v2/check') {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !issued.includes(token))
        return send(res, [401, { status: 401, code: 'UNAUTHENTICATED', message: 'no' }]);
      return send(res, [200, { swapped: false }]);
    }
    const route = req.method === 'POST' ? routes[path] : undefined;
    if (!route) return send(res, [404, { error: 'not_found' }]);
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    requests.push({ path, form });
    send(res, await route(form));
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    assertions,
    issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const oauth = (status: number, error: string, description: string): Answer => [
  status,
  { error, error_description: description },
];

function send(res: ServerResponse, [status, body]: Answer): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

function metadata(issuer: string) {
  return {
    issuer,
    token_endpoint: `${issuer}/token`,
    backchannel_authentication_endpoint: `${issuer}/bc-authorize`,
    jwks_uri: `${issuer}/jwks`,
    grant_types_supported: [
      'urn:openid:params:grant-type:ciba',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
    backchannel_token_delivery_modes_supported: ['poll'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    id_token_signing_alg_values_supported: ['ES256'],
  };
}
