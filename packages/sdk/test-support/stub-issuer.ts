import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StubRoute = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A misbehaving issuer over a real socket: serves discovery, then whatever each test
 * routes (hangs, CAMARA errors, HTML from a proxy). Records the requests it saw.
 */
export async function startStubIssuer(routes: Record<string, StubRoute>) {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    const route = routes[`${req.method} ${req.url}`];
    if (route) return route(req, res);
    if (req.url === '/.well-known/openid-configuration') return json(res, 200, metadata(url));
    json(res, 404, { status: 404, code: 'NOT_FOUND', message: 'no route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Never answers: the client's timeout must end the call. */
export const hang: StubRoute = () => undefined;

function metadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    id_token_signing_alg_values_supported: ['ES256'],
  };
}
