import { useCallback, useEffect, useRef, useState } from 'react';
import { get, isNotAvailable } from '../api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/**
 * GETs `path` (null: nothing yet) and, with `pollMs`, again while `keepPolling`
 * says so for the latest answer; a failed poll keeps the last data.
 */
export function useApi<T>(path: string | null, options: { pollMs?: number; keepPolling?: (data: T) => boolean } = {}): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  /** Which request (generation and path) last settled: loading until the current one has. */
  const key = path === null ? null : `${generation} ${path}`;
  const [settled, setSettled] = useState<string | null>(null);
  const keepPolling = useRef(options.keepPolling);
  useEffect(() => {
    keepPolling.current = options.keepPolling;
  });

  useEffect(() => {
    if (path === null) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const answer = await get<T>(path);
        if (!live) return;
        setData(answer);
        setError(undefined);
        if (options.pollMs && (keepPolling.current?.(answer) ?? true)) timer = setTimeout(load, options.pollMs);
      } catch (caught) {
        if (!live) return;
        setError(caught);
        // A passing outage does not stop the polling; a feature the server lacks does.
        if (options.pollMs && !isNotAvailable(caught)) timer = setTimeout(load, options.pollMs * 2);
      } finally {
        if (live) setSettled(key);
      }
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [path, key, options.pollMs]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading: key !== null && settled !== key, reload };
}
