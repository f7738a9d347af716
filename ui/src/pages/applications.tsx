import { Loaded, Status } from '../components/feedback.tsx';
import { useApi } from '../components/use-api.ts';
import { ago, shortSha } from '../format.ts';
import { href } from '../router.ts';
import type { Application } from '../types.ts';

export function Applications() {
  const apps = useApi<Application[]>('/api/applications', { pollMs: 5000 });
  return (
    <>
      <h1>Applications</h1>
      <Loaded {...apps}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No applications yet.</p>
          ) : (
            <table className="list" aria-label="Applications">
              <thead>
                <tr>
                  <th scope="col">Application</th>
                  <th scope="col">Service</th>
                  <th scope="col">Environment</th>
                  <th scope="col">Cluster / namespace</th>
                  <th scope="col">Sync</th>
                  <th scope="col">Health</th>
                  <th scope="col">Revision</th>
                </tr>
              </thead>
              <tbody>
                {list.map((app) => (
                  <tr key={app.id}>
                    <td data-label="Application">
                      <a href={href('applications', app.name)}>{app.name}</a>
                    </td>
                    <td data-label="Service">{app.service ?? '–'}</td>
                    <td data-label="Environment">{app.environment ?? '–'}</td>
                    <td data-label="Cluster / namespace">
                      {app.cluster} / {app.destination.namespace}
                    </td>
                    <td data-label="Sync">
                      <Status value={app.status?.syncStatus ?? 'Unknown'} label="sync" />
                    </td>
                    <td data-label="Health">
                      <Status value={app.status?.health ?? 'Unknown'} label="health" />
                    </td>
                    <td data-label="Revision">
                      <code>{shortSha(app.status?.revision)}</code> <span className="muted">{app.status ? ago(app.status.observedAt) : ''}</span>
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
