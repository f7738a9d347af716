import type { ReactNode } from 'react';
import { ApiError, isNotAvailable } from '../api.ts';

export function ErrorBox({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  if (isNotAvailable(error)) {
    return (
      <p className="notice" role="status">
        This feature is not available on this server.
      </p>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  const title = error instanceof ApiError && error.status === 403 ? 'Not allowed' : 'Error';
  return (
    <p className="error" role="alert">
      <strong>{title}:</strong> {message}
    </p>
  );
}

/** Data, or its loading and error states. */
export function Loaded<T>({ data, error, loading, children }: { data: T | undefined; error: unknown; loading: boolean; children: (data: T) => ReactNode }) {
  if (data === undefined) {
    if (error !== undefined) return <ErrorBox error={error} />;
    return loading ? <p className="muted" role="status">Loading…</p> : null;
  }
  return (
    <>
      <ErrorBox error={error} />
      {children(data)}
    </>
  );
}

const tone: Record<string, string> = {
  success: 'good', Succeeded: 'good', Healthy: 'good', Synced: 'good', ready: 'good', ok: 'good',
  failure: 'bad', error: 'bad', Failed: 'bad', Degraded: 'bad', failed: 'bad', killed: 'bad', Missing: 'bad',
  running: 'busy', Running: 'busy', Progressing: 'busy', creating: 'busy', removing: 'busy', Pending: 'busy',
  pending: 'wait', waiting: 'wait', OutOfSync: 'warn', Suspended: 'warn', Unknown: 'wait', skipped: 'wait', Terminated: 'bad',
};

export function Status({ value, label }: { value: string; label?: string }) {
  return (
    <span className={`status status-${tone[value] ?? 'wait'}`} title={label ? `${label}: ${value}` : value}>
      {value}
    </span>
  );
}
