import { createContext, useContext, useEffect, useState } from 'react';
import { ApiError } from './api.js';

/** Called when the server says the session is gone (401): back to the sign-in page. */
export const SessionLost = createContext<() => void>(() => undefined);

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly message: string }
  | { readonly state: 'ready'; readonly data: T };

/** Loads `load()` whenever `key` changes; a 401 signs the user out. */
export function useApi<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const sessionLost = useContext(SessionLost);
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    load().then(
      (data) => {
        if (live) setLoaded({ state: 'ready', data });
      },
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 401) {
          sessionLost();
          return;
        }
        setLoaded({
          state: 'error',
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
    return () => {
      live = false;
    };
    // `key` names everything `load` depends on.
  }, [key]);
  return loaded;
}
