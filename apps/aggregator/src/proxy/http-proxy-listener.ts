import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { sendProxyResponse, splitTarget, toProxyRequest } from './http-proxy-io.js';
import type { ProxyRouterDeps } from './http-proxy-router.js';
import { DEFAULT_MAX_REQUEST_BYTES } from './read-body.js';

/**
 * The same proxy as `createProxyRouter`, as a plain node:http listener placed in front of
 * the express app: catalog paths never enter express (whose per-request prototype swaps
 * measured about half the proxy's throughput); everything else goes to `fallback`.
 */
export function createProxyListener(
  deps: ProxyRouterDeps,
  fallback: RequestListener,
): RequestListener {
  const maxBytes = deps.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  return (req: IncomingMessage, res: ServerResponse) => {
    const target = splitTarget(req.url ?? '');
    if (!target.path.startsWith('/') || !deps.catalog.ownsPath(target.path)) {
      fallback(req, res);
      return;
    }
    // The pipeline never rejects; a throw here would be a bug in sending, so answer 500.
    deps.pipeline.handle(toProxyRequest(req, target, maxBytes)).then(
      (response) => sendProxyResponse(res, response),
      () => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  };
}
