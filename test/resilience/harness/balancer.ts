import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The load balancer in front of the aggregators, as small as a real one's behaviour allows:
 * round robin per request (so the steps of one flow land on different processes), health
 * checks on `/ready` (a draining or failing process leaves the rotation; when none is ready it
 * fails open to every live one), `X-Forwarded-For` from its own source address (the
 * aggregators trust it), and a retry on another process only when the request cannot have
 * been processed: the connection was refused, or a reused keep-alive socket was reset.
 */
export interface Backend {
  readonly name: string;
  readonly port: number;
}

export interface Balancer {
  readonly url: string;
  /** Requests forwarded per backend name. */
  readonly forwarded: Map<string, number>;
  /** Requests retried on another backend (refused / reset before any answer). */
  readonly retried: number;
  /** Answers the balancer made itself (no backend could take the request). */
  readonly ownErrors: number;
  close(): Promise<void>;
}

export const BALANCER_ERROR_HEADER = 'x-balancer-error';
const MAX_BODY = 1_048_576;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

interface State {
  ready: boolean;
  alive: boolean;
}

export async function startBalancer(o: {
  backends: readonly Backend[];
  /** The balancer's own source address towards the backends (their TRUST_PROXY). */
  sourceAddress: string;
  healthIntervalMs?: number;
}): Promise<Balancer> {
  const state = new Map<string, State>(
    o.backends.map((b) => [b.name, { ready: true, alive: true }]),
  );
  const forwarded = new Map<string, number>(o.backends.map((b) => [b.name, 0]));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  let retried = 0;
  let ownErrors = 0;

  const pick = (exclude: Set<string>): Backend | undefined => {
    const candidates = (want: (s: State) => boolean) =>
      o.backends.filter((b) => !exclude.has(b.name) && want(state.get(b.name)!));
    let pool = candidates((s) => s.ready);
    if (pool.length === 0) pool = candidates((s) => s.alive);
    if (pool.length === 0) return undefined;
    next = (next + 1) % 1_000_000;
    return pool[next % pool.length];
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const tried = new Set<string>();
    const attempt = () => {
      const backend = pick(tried);
      if (!backend) return fail(res, 'no backend could take the request');
      tried.add(backend.name);
      const upstream = http.request({
        host: '127.0.0.1',
        port: backend.port,
        localAddress: o.sourceAddress,
        method: req.method,
        path: req.url,
        agent,
        headers: forwardedHeaders(req, body.length),
      });
      upstream.on('response', (answer) => {
        forwarded.set(backend.name, (forwarded.get(backend.name) ?? 0) + 1);
        const headers = Object.fromEntries(
          Object.entries(answer.headers).filter(([k]) => !HOP_BY_HOP.has(k)),
        );
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      });
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        if (res.headersSent) return void res.destroy();
        const unprocessed =
          err.code === 'ECONNREFUSED' || (err.code === 'ECONNRESET' && upstream.reusedSocket);
        if (err.code === 'ECONNREFUSED') state.set(backend.name, { ready: false, alive: false });
        if (!unprocessed) return fail(res, `backend ${backend.name}: ${err.code ?? err.message}`);
        retried += 1;
        attempt();
      });
      upstream.end(body);
    };
    attempt();
  };

  const fail = (res: http.ServerResponse, why: string) => {
    ownErrors += 1;
    res.writeHead(502, { 'content-type': 'text/plain', [BALANCER_ERROR_HEADER]: '1' });
    res.end(`balancer: ${why}\n`);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => forward(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const check = async (b: Backend) => {
    try {
      const res = await fetch(`http://127.0.0.1:${b.port}/ready`, {
        signal: AbortSignal.timeout(1_500),
      });
      await res.arrayBuffer();
      state.set(b.name, { ready: res.status === 200, alive: true });
    } catch {
      state.set(b.name, { ready: false, alive: false });
    }
  };
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void Promise.all(o.backends.map(check)).finally(() => (checking = false));
  }, o.healthIntervalMs ?? 250);

  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    get retried() {
      return retried;
    },
    get ownErrors() {
      return ownErrors;
    },
    async close() {
      clearInterval(timer);
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function forwardedHeaders(req: http.IncomingMessage, length: number): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${String(prior)}, ${client}` : client;
  headers['content-length'] = length;
  return headers;
}
