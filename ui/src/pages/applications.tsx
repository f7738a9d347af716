import { Loaded, Status } from '../components/feedback.tsx';
import { DataTable } from '../components/table.tsx';
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
            <p className="muted" role="status">No applications yet.</p>
          ) : (
            <DataTable
              label="Applications"
              columns={['Application', 'Service', 'Environment', 'Cluster / namespace', 'Sync', 'Health', 'Revision']}
              rows={list}
              rowKey={(app) => app.id}
              cells={(app) => [
                <a href={href('applications', app.name)}>{app.name}</a>,
                app.service ?? '–',
                app.environment ?? '–',
                `${app.cluster} / ${app.destination.namespace}`,
                <Status value={app.status?.syncStatus ?? 'Unknown'} label="sync" />,
                <Status value={app.status?.health ?? 'Unknown'} label="health" />,
                <>
                  <code>{shortSha(app.status?.revision)}</code> <span className="muted">{app.status ? ago(app.status.observedAt) : ''}</span>
                </>,
              ]}
            />
          )
        }
      </Loaded>
    </>
  );
}
