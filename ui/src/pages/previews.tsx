import { del } from '../api.ts';
import { ConfirmButton } from '../components/confirm.tsx';
import { Loaded, Status } from '../components/feedback.tsx';
import { DataTable } from '../components/table.tsx';
import { useApi } from '../components/use-api.ts';
import { ago } from '../format.ts';
import { useCan } from '../session.tsx';
import type { Preview } from '../types.ts';

/** Open preview environments (one per feature branch), with a hand tear-down. */
export function Previews() {
  const previews = useApi<Preview[]>('/api/previews', { pollMs: 5000 });
  const can = useCan();
  return (
    <>
      <h1>Previews</h1>
      <Loaded {...previews}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted" role="status">No preview environments are open.</p>
          ) : (
            <DataTable
              label="Preview environments"
              columns={['Preview', 'Branch', 'Status', 'URL', 'Age', 'Expires', 'Actions']}
              rows={list}
              rowKey={(p) => p.name}
              cells={(p) => [
                <>
                  {p.name}
                  <div className="muted">
                    {p.service} · {p.namespace}
                  </div>
                </>,
                `${p.repo} ${p.branch}`,
                <>
                  <Status value={p.status} />
                  {p.message && <div className="muted">{p.message}</div>}
                </>,
                p.url ? <a href={p.url}>{p.url}</a> : '–',
                ago(p.createdAt),
                p.expiresAt ? ago(p.expiresAt) : 'when the branch is deleted',
                can('preview.delete') && (
                  <ConfirmButton
                    label={`Tear down ${p.name}`}
                    danger
                    question={`Delete preview ${p.name} and its namespace ${p.namespace}?`}
                    onConfirm={async () => {
                      await del(`/api/previews/${encodeURIComponent(p.name)}`);
                      previews.reload();
                    }}
                  />
                ),
              ]}
            />
          )
        }
      </Loaded>
    </>
  );
}
