import { BASE } from './api.js';

// Client-side routes under /console (the server answers index.html for each of them).

export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'operators' }
  | { readonly page: 'apps' }
  | { readonly page: 'audit' }
  | { readonly page: 'verifications' }
  | { readonly page: 'verification'; readonly id: string }
  | { readonly page: 'not-found' };

/** The route of a location pathname (`/console/verifications/abc` → verification abc). */
export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean);
  const [first, second] = parts;
  if (!first) return { page: 'overview' };
  if (parts.length === 1) {
    if (
      first === 'overview' ||
      first === 'operators' ||
      first === 'apps' ||
      first === 'audit' ||
      first === 'verifications'
    ) {
      return { page: first };
    }
  }
  if (first === 'verifications' && second && parts.length === 2) {
    return { page: 'verification', id: decodeURIComponent(second) };
  }
  return { page: 'not-found' };
}
