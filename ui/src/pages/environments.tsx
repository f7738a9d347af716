import { Loaded, Status } from '../components/feedback.tsx';
import { useApi } from '../components/use-api.ts';
import { ago, shortSha } from '../format.ts';
import { href } from '../router.ts';
import type { EnvironmentView, Matrix, MatrixCell } from '../types.ts';

function Cell({ cell, production }: { cell: MatrixCell; production: boolean }) {
  const awaiting = cell.pending?.awaitingApproval ?? false;
  return (
    <a className={`cell${awaiting ? ' awaiting' : ''}${production ? ' production' : ''}`} href={href('applications', cell.application)}>
      <span className="version">{cell.version?.imageTag ?? cell.version?.chartVersion ?? '–'}</span>
      <span>
        <Status value={cell.sync} label="sync" /> <Status value={cell.health} label="health" />
      </span>
      {cell.lastDeployment && (
        <span className="muted">
          {cell.lastDeployment.by} · {ago(cell.lastDeployment.at)} · <code>{shortSha(cell.lastDeployment.revision)}</code>
        </span>
      )}
      {cell.pending && (
        <span className={awaiting ? 'pending strong' : 'pending'}>
          {awaiting ? 'Awaiting approval' : 'Pending'}: {cell.pending.imageTag ?? '?'} ({cell.pending.approvals.length}/{cell.pending.required})
        </span>
      )}
    </a>
  );
}

/** Services × environments: what runs where, in sync or not, healthy or not, and what waits for approval. */
export function Environments() {
  const matrix = useApi<Matrix>('/api/environments/matrix', { pollMs: 5000 });
  const environments = useApi<{ environments: EnvironmentView[] }>('/api/environments');
  const kindOf = new Map((environments.data?.environments ?? []).map((e) => [e.name, e.kind]));
  return (
    <>
      <h1>Environments</h1>
      <Loaded {...matrix}>
        {(m) =>
          m.services.length === 0 ? (
            <p className="muted" role="status">No services deployed yet.</p>
          ) : (
            <div className="table-scroll">
              <table className="matrix" aria-label="Environments matrix">
                <thead>
                  <tr>
                    <th scope="col">Service</th>
                    {m.environments.map((env) => (
                      <th key={env} scope="col">
                        {env}
                        {kindOf.get(env) === 'production' && <span className="muted"> (production)</span>}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {m.services.map((row) => (
                    <tr key={row.service}>
                      <th scope="row">{row.service}</th>
                      {m.environments.map((env) => {
                        const cell = row.cells[env];
                        return (
                          <td key={env} data-label={env}>
                            {cell ? <Cell cell={cell} production={kindOf.get(env) === 'production' || env === 'production'} /> : <span className="muted">–</span>}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </>
  );
}
