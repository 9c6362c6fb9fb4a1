import type { ReactNode } from 'react';
import type { Loaded } from '../use-api.js';

/** The page's data, or "Loading…", or the error as the server said it. */
export function Load<T>(props: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { loaded } = props;
  if (loaded.state === 'loading') {
    return (
      <p className="muted" role="status" data-testid="loading">
        Loading…
      </p>
    );
  }
  if (loaded.state === 'error') {
    return (
      <p className="error" role="alert" data-testid="load-error">
        {loaded.message}
      </p>
    );
  }
  return <>{props.children(loaded.data)}</>;
}
