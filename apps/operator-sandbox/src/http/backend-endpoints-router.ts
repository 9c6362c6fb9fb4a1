import type { IncomingMessage, RequestListener } from 'node:http';
import { Readable } from 'node:stream';
import express, { type Request, type Response, type Router } from 'express';
import type { JwtBearerGrant } from '../backchannel/jwt-bearer-grant.js';
import { JWT_BEARER_GRANT } from '../config.js';

export interface BackendEndpointsRouterDeps {
  /** oidc-provider, which answers every request this router does not. */
  readonly authorizationServer: RequestListener;
  readonly jwtBearer: JwtBearerGrant;
  /** Marks a replayed CIBA request whose `openid` scope was added here. */
  readonly impliedOpenid: WeakSet<object>;
}

/** oidc-provider's own body limit (lib/shared/selective_body.js). */
const BODY_LIMIT = 56 * 1024;

/**
 * In front of oidc-provider's token and backchannel authentication endpoints:
 * - `POST /token` with the JWT-bearer grant is answered here: CAMARA ICM "JWT Bearer Flow"
 *   makes the assertion the client authentication, and the provider's token endpoint would
 *   insist on another one. Every other token request goes to the provider unchanged.
 * - `POST /backchannel` without `openid`: ICM "Missing openid scope" lets a CIBA request
 *   omit it (then no ID token), the provider refuses it; `openid` is added for the
 *   provider's checks and removed again before the request is stored (oidc/ciba.ts).
 * The provider reads the body stream itself, so it gets a replay of the raw bytes.
 */
export function createBackendEndpointsRouter(deps: BackendEndpointsRouterDeps): Router {
  const router = express.Router();
  router.post('/token', async (req, res) => {
    const raw = await readBody(req, res);
    if (!raw) return;
    const form = formOf(req, raw);
    const grantTypes = form?.getAll('grant_type') ?? [];
    if (form && grantTypes.length === 1 && grantTypes[0] === JWT_BEARER_GRANT) {
      const answer = await deps.jwtBearer.exchange(form, basicUser(req));
      res.status(answer.status).json(answer.body);
      return;
    }
    deps.authorizationServer(replay(req, raw), res);
  });
  router.post('/backchannel', async (req, res) => {
    const raw = await readBody(req, res);
    if (!raw) return;
    const form = formOf(req, raw);
    const scopes = form?.getAll('scope') ?? [];
    const implied =
      form !== undefined &&
      scopes.length === 1 &&
      !form.has('request') &&
      !scopes[0]!.split(' ').includes('openid');
    if (!implied) return deps.authorizationServer(replay(req, raw), res);
    form.set('scope', `openid ${scopes[0]}`);
    const replayed = replay(req, Buffer.from(form.toString()));
    deps.impliedOpenid.add(replayed);
    deps.authorizationServer(replayed, res);
  });
  return router;
}

function formOf(req: Request, raw: Buffer): URLSearchParams | undefined {
  return req.is('application/x-www-form-urlencoded')
    ? new URLSearchParams(raw.toString('utf8'))
    : undefined;
}

/** The raw body, or undefined after answering 413 / 400 as an OAuth error. */
async function readBody(req: Request, res: Response): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        res
          .status(413)
          .json({ error: 'invalid_request', error_description: 'request body too large' });
        return undefined;
      }
      chunks.push(chunk);
    }
  } catch {
    res
      .status(400)
      .json({ error: 'invalid_request', error_description: 'the request body could not be read' });
    return undefined;
  }
  return Buffer.concat(chunks, size);
}

/** A request the provider can read as if it came off the socket: same head, these bytes. */
function replay(req: Request, body: Buffer): IncomingMessage {
  const stream = new Readable({ read() {} });
  stream.push(body);
  stream.push(null);
  return Object.assign(stream, {
    method: req.method,
    url: req.originalUrl,
    headers: { ...withoutFraming(req.headers), 'content-length': String(body.length) },
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    complete: true,
  }) as unknown as IncomingMessage;
}

function withoutFraming(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const { 'transfer-encoding': _chunked, ...rest } = headers;
  return rest;
}

/** The client id of an HTTP Basic Authorization header (RFC 6749 §2.3.1), if any. */
function basicUser(req: Request): string[] {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return [];
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const user = decoded.slice(0, Math.max(decoded.indexOf(':'), 0));
  try {
    return [decodeURIComponent(user)];
  } catch {
    return [user];
  }
}
