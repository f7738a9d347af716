import { del } from '../api.ts';
import { ConfirmButton } from '../components/confirm.tsx';
import { Loaded, Status } from '../components/feedback.tsx';
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
            <p className="muted">No preview environments are open.</p>
          ) : (
            <table className="list" aria-label="Preview environments">
              <thead>
                <tr>
                  <th scope="col">Preview</th>
                  <th scope="col">Branch</th>
                  <th scope="col">Status</th>
                  <th scope="col">URL</th>
                  <th scope="col">Age</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr key={p.name}>
                    <td data-label="Preview">
                      {p.name}
                      <div className="muted">
                        {p.service} · {p.namespace}
                      </div>
                    </td>
                    <td data-label="Branch">
                      {p.repo} {p.branch}
                    </td>
                    <td data-label="Status">
                      <Status value={p.status} />
                      {p.message && <div className="muted">{p.message}</div>}
                    </td>
                    <td data-label="URL">{p.url ? <a href={p.url}>{p.url}</a> : '–'}</td>
                    <td data-label="Age">{ago(p.createdAt)}</td>
                    <td data-label="Expires">{p.expiresAt ? ago(p.expiresAt) : 'when the branch is deleted'}</td>
                    <td data-label="Actions">
                      {can('preview.delete') && (
                        <ConfirmButton
                          label={`Tear down ${p.name}`}
                          danger
                          question={`Delete preview ${p.name} and its namespace ${p.namespace}?`}
                          onConfirm={async () => {
                            await del(`/api/previews/${encodeURIComponent(p.name)}`);
                            previews.reload();
                          }}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </>
  );
}
