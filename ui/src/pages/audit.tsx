import { useState } from 'react';
import { get, query } from '../api.ts';
import { ErrorBox, Loaded } from '../components/feedback.tsx';
import { DataTable } from '../components/table.tsx';
import { useApi } from '../components/use-api.ts';
import { dateTime } from '../format.ts';
import type { ReleaseRecord } from '../types.ts';
import { ReleaseTable } from './application.tsx';

interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: { kind: string; id: string };
  environment: string | null;
  outcome: string;
  details: object;
  hash: string;
}

interface AuditPage {
  entries: AuditEntry[];
  next: string | null;
}

interface Filters {
  actor: string;
  action: string;
  environment: string;
  since: string;
  until: string;
}

const empty: Filters = { actor: '', action: '', environment: '', since: '', until: '' };
const iso = (local: string) => (local ? new Date(local).toISOString() : '');

function Verification() {
  const verify = useApi<{ ok: boolean; checked: number; firstBad?: { seq: number; reason: string } }>('/api/audit/verify');
  return (
    <Loaded {...verify}>
      {(v) =>
        v.ok ? (
          <p className="notice good" role="status">
            Chain verified: {v.checked} entries, none altered.
          </p>
        ) : (
          <p className="error" role="alert">
            Verification failed at entry {v.firstBad?.seq}: {v.firstBad?.reason}
          </p>
        )
      }
    </Loaded>
  );
}

/** The audit log with filters and its hash-chain verification, and release records per service. */
export function Audit() {
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters>(empty);
  const path = `/api/audit${query({ ...filters, since: iso(filters.since), until: iso(filters.until), limit: 100 })}`;
  const page = useApi<AuditPage>(path);
  const [more, setMore] = useState<{ path: string; entries: AuditEntry[]; next: string | null }>();
  const [moreError, setMoreError] = useState<unknown>();
  const [service, setService] = useState('');
  const releases = useApi<ReleaseRecord[]>(`/api/releases${query({ service, limit: 50 })}`);

  const entries = [...(page.data?.entries ?? []), ...(more?.path === path ? more.entries : [])];
  const next = more?.path === path ? more.next : page.data?.next;
  const field = (key: keyof Filters, label: string, type = 'text') => (
    <label className="field inline">
      {label}
      <input type={type} value={draft[key]} onChange={(event) => setDraft({ ...draft, [key]: event.target.value })} />
    </label>
  );

  return (
    <>
      <h1>Audit</h1>
      <Verification />
      <form
        className="filters"
        role="search"
        aria-label="Filter audit log"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft);
        }}
      >
        {field('actor', 'Who')}
        {field('action', 'What')}
        {field('environment', 'Environment')}
        {field('since', 'Since', 'datetime-local')}
        {field('until', 'Until', 'datetime-local')}
        <button type="submit">Filter</button>
      </form>
      <Loaded {...page}>
        {() => (
          <>
            <DataTable
              label="Audit log"
              columns={['#', 'When', 'Who', 'What', 'Target', 'Environment', 'Outcome']}
              rows={entries}
              rowKey={(e) => e.seq}
              cells={(e) => [
                e.seq,
                dateTime(e.at),
                e.actor,
                e.action,
                `${e.target.kind} ${e.target.id}`,
                e.environment ?? '–',
                <span title={JSON.stringify(e.details)}>{e.outcome}</span>,
              ]}
            />
            {entries.length === 0 && <p className="muted">No entries match.</p>}
            {next && (
              <button
                type="button"
                onClick={() => {
                  get<AuditPage>(`${path}&after=${encodeURIComponent(next)}`).then(
                    (answer) => setMore({ path, entries: [...(more?.path === path ? more.entries : []), ...answer.entries], next: answer.next }),
                    setMoreError,
                  );
                }}
              >
                Load more
              </button>
            )}
            <ErrorBox error={moreError} />
          </>
        )}
      </Loaded>
      <h2>Releases</h2>
      <label className="field inline">
        Service
        <input value={service} onChange={(event) => setService(event.target.value.trim())} placeholder="all" />
      </label>
      <Loaded {...releases}>{(list) => <ReleaseTable releases={list} />}</Loaded>
    </>
  );
}
