import { camaraError } from '@switchboard/camara';
import { requireValue, type ProxyContext } from '../proxy-context.js';

interface ParsedRoot {
  readonly origin: string;
  /** The api root's path without its trailing slash ('' for a bare origin). */
  readonly prefix: string;
}

function parseApiRoot(apiRoot: string): ParsedRoot | undefined {
  try {
    const url = new URL(apiRoot);
    const plain =
      url.username === '' && url.password === '' && url.search === '' && url.hash === '';
    if (!plain || (url.protocol !== 'https:' && url.protocol !== 'http:')) return undefined;
    return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
  } catch {
    return undefined;
  }
}

// Parsing is a pure function of the string; only registered roots are kept, so it stays small.
const parsedRoots = new Map<string, ParsedRoot>();

function refuse(): never {
  // Signed by us but no longer routable (operator removed or moved): a new token is needed.
  throw camaraError(
    'UNAUTHENTICATED',
    'The access token no longer routes to a registered operator.',
  );
}

/**
 * The target is the api root sealed in the verified token, and only if it is still a
 * registered root of that operator: no host, port or path prefix is ever taken from the
 * request (SSRF). The api-relative path and the raw query are appended unchanged.
 * Synchronous when the registry answers synchronously (the aggregator's in-memory index).
 */
export function resolveRoute(ctx: ProxyContext): Promise<void> | undefined {
  const claims = requireValue(ctx.claims, 'claims');
  const root = parsedRoots.get(claims.apiRoot) ?? parseApiRoot(claims.apiRoot);
  if (!root) refuse();
  const registered = ctx.deps.isRegisteredApiRoot(claims.operatorId, claims.apiRoot);
  if (typeof registered === 'boolean') return void route(ctx, root, registered);
  return registered.then((yes) => route(ctx, root, yes));
}

function route(ctx: ProxyContext, root: ParsedRoot, registered: boolean): void {
  if (!registered) refuse();
  const { apiRoot } = requireValue(ctx.claims, 'claims');
  const operation = requireValue(ctx.operation, 'operation');
  parsedRoots.set(apiRoot, root);
  const path = `${root.prefix}${operation.basePath}${operation.apiPath}${ctx.request.query}`;
  ctx.target = { origin: root.origin, path };
}
