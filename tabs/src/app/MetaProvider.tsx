import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, getMeta, type Meta, asApiError } from '../api/client';

export type MetaState =
  | { status: 'loading'; meta?: undefined; error?: undefined }
  | { status: 'ready'; meta: Meta; error?: undefined }
  | { status: 'error'; meta?: undefined; error: ApiError };

export interface MetaContextValue {
  state: MetaState;
  /** True while a retry after an error is in flight (the error stays shown until it ends). */
  retrying: boolean;
  retry: () => void;
}

const MetaContext = createContext<MetaContextValue | null>(null);

/** The server's /api/v1/meta, loaded once when the tabs open; every page can read it. */
export function useMeta(): MetaContextValue {
  const value = useContext(MetaContext);
  if (!value) throw new Error('useMeta() must be used inside <MetaProvider>.');
  return value;
}


export function MetaProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<MetaState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [retrying, setRetrying] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    getMeta({ signal: controller.signal }).then(
      (meta) => {
        setState({ status: 'ready', meta });
        setRetrying(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setState({ status: 'error', error: asApiError(err) });
        setRetrying(false);
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const retry = useCallback(() => {
    setRetrying(true);
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ state, retrying, retry }), [state, retrying, retry]);
  return <MetaContext.Provider value={value}>{children}</MetaContext.Provider>;
}
