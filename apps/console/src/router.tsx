import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';
import { BASE } from './api.js';

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
