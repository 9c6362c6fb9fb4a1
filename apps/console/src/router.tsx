import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';
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

const NAVIGATE = 'console:navigate';

/** Goes to `/console/<to>` without a page load. */
export function navigate(to: string): void {
  window.history.pushState(null, '', `${BASE}/${to}`);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** The current location, re-rendered on navigate() and on back/forward. */
export function useLocation(): { pathname: string; search: string } {
  const read = () => ({ pathname: window.location.pathname, search: window.location.search });
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = () => setLocation(read());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return location;
}

/** An <a> to a console page that navigates in place (a plain link for new tabs). */
export function Link(props: {
  to: string;
  children: ReactNode;
  className?: string;
  testId?: string;
  current?: boolean;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={`${BASE}/${props.to}`}
      onClick={onClick}
      className={props.className}
      data-testid={props.testId}
      aria-current={props.current ? 'page' : undefined}
    >
      {props.children}
    </a>
  );
}
