import { useState } from 'react';
import { isNotAvailable, post, query } from '../api.ts';
import { ConfirmButton } from '../components/confirm.tsx';
import { Diff } from '../components/diff.tsx';
import { Facts } from '../components/facts.tsx';
import { ErrorBox, Loaded, Status } from '../components/feedback.tsx';
import { DataTable } from '../components/table.tsx';
import { useApi } from '../components/use-api.ts';
import { ago, dateTime, duration, shortSha } from '../format.ts';
import { href } from '../router.ts';
import { mayApprove, mayChangeEnvironment, roleAtLeast, useCan, useSession, type EnvironmentRoles } from '../session.tsx';
import type { ApplicationDetail, EnvironmentView, ReleaseRecord, ResourceStatus, SyncRecord } from '../types.ts';

/** Objects grouped namespace → kind, in a stable order. */
export function objectTree(resources: readonly ResourceStatus[]): [string, [string, ResourceStatus[]][]][] {
  const byNamespace = new Map<string, Map<string, ResourceStatus[]>>();
  for (const resource of resources) {
    const namespace = resource.namespace ?? '(cluster-wide)';
    const kinds = byNamespace.get(namespace) ?? new Map<string, ResourceStatus[]>();
    byNamespace.set(namespace, kinds);
    kinds.set(resource.kind, [...(kinds.get(resource.kind) ?? []), resource]);
  }
  return [...byNamespace]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, kinds]) => [namespace, [...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([kind, list]) => [kind, list.sort((x, y) => x.name.localeCompare(y.name))] as [string, ResourceStatus[]])]);
}

function ObjectTree({ resources }: { resources: ResourceStatus[] }) {
  if (resources.length === 0) return <p className="muted">No objects observed yet.</p>;
  return (
    <ul className="tree" aria-label="Objects">
      {objectTree(resources).map(([namespace, kinds]) => (
        <li key={namespace}>
          <span className="tree-label">{namespace}</span>
          <ul>
            {kinds.map(([kind, list]) => (
              <li key={kind}>
                <span className="tree-label">{kind}</span>
                <ul>
                  {list.map((resource) => (
                    <li key={resource.key}>
                      <span>{resource.name}</span> <Status value={resource.state} label={`${kind} ${resource.name} sync`} />{' '}
                      {resource.health && <Status value={resource.health} label={`${kind} ${resource.name} health`} />}
                      {resource.healthMessage && <span className="muted"> {resource.healthMessage}</span>}
                      {resource.diff && (
                        <details>
                          <summary>Diff of {kind}/{resource.name} (live → desired)</summary>
                          <Diff text={resource.diff} label={`Diff of ${kind}/${resource.name}`} />
                        </details>
                      )}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** Runs the environment API's action, or the application's own one when the server has no environments API. */
async function environmentOr<T>(app: ApplicationDetail, verb: 'sync' | 'rollback', body: unknown, fallback: unknown): Promise<T> {
  if (app.environment && app.service) {
    try {
      return await post<T>(`/api/environments/${app.environment}/services/${app.service}/${verb}`, body);
    } catch (error) {
      if (!isNotAvailable(error)) throw error;
    }
  }
  return post<T>(`/api/applications/${app.name}/${verb}`, fallback);
}

function Actions({ app, syncs, releases, onChanged }: { app: ApplicationDetail; syncs: SyncRecord[]; releases: ReleaseRecord[]; onChanged(): void }) {
  const { user } = useSession();
  const can = useCan();
  const environments = useApi<{ environments: EnvironmentView[] }>(app.environment ? '/api/environments' : null);
  const env: EnvironmentRoles | undefined = environments.data?.environments.find((e) => e.name === app.environment) ?? (app.environment === 'production' ? { kind: 'production' } : undefined);
  const production = env?.kind === 'production';
  const [from, setFrom] = useState('');
  const [target, setTarget] = useState('');
  const revisions = [...new Map(syncs.filter((s) => s.status === 'Succeeded' && !s.dryRun).map((s) => [s.revision, s])).values()];
  const managed = Boolean(app.environment && app.service);
  const envPath = `/api/environments/${app.environment}/services/${app.service}`;
  // An environment's application: the environment's sync role on top (as the server checks); otherwise the applications API's own action.
  const may = (action: 'environment.sync' | 'environment.promote' | 'environment.rollback') => (managed ? env !== undefined && mayChangeEnvironment(user, action, env) : can('build.trigger'));

  const [reason, setReason] = useState('');
  // The server lets release managers override an environment's sync windows with a reason.
  const windows = environments.data?.environments.find((e) => e.name === app.environment)?.windows ?? [];
  const mayOverride = managed && windows.length > 0 && roleAtLeast(user.role, 'release-manager');
  const restricted = managed && env !== undefined && !may('environment.sync');
  return (
    <div className="actions" aria-label="Actions" role="group">
      {restricted && (
        <p className="muted">
          Changes to {app.environment} need the {env.syncRole ?? 'release-manager'} role; you are {user.role}.
        </p>
      )}
      {may('environment.sync') && (
        <ConfirmButton
          label="Sync"
          question={`Apply the desired state of ${app.name}${production ? ' to production' : ''} now?`}
          onConfirm={async () => {
            await environmentOr(app, 'sync', reason.trim() ? { override: { reason: reason.trim() } } : {}, {});
            setReason('');
            onChanged();
          }}
        >
          {mayOverride && (
            <label className="field">
              Override reason (to sync inside a deny window or outside an allow window)
              <input value={reason} onChange={(event) => setReason(event.target.value)} />
            </label>
          )}
        </ConfirmButton>
      )}
      {managed && may('environment.promote') && (
        <ConfirmButton
          label="Promote"
          comment="optional"
          question={`Promote ${app.service} into ${app.environment} from another environment?`}
          onConfirm={async (comment) => {
            await post(`${envPath}/promote`, { ...(from ? { from } : {}), ...(comment ? { comment } : {}) });
            onChanged();
          }}
        >
          <label className="field">
            From environment
            <select value={from} onChange={(event) => setFrom(event.target.value)}>
              <option value="">the previous environment</option>
              {(environments.data?.environments ?? [])
                .filter((e) => e.name !== app.environment)
                .map((e) => (
                  <option key={e.name} value={e.name}>
                    {e.name}
                  </option>
                ))}
            </select>
          </label>
        </ConfirmButton>
      )}
      {managed && env !== undefined && mayApprove(user, env) && (
        <ConfirmButton
          label="Approve"
          comment="required"
          question={`Approve the pending change of ${app.service} in ${app.environment}?`}
          onConfirm={async (comment) => {
            await post(`${envPath}/approvals`, { comment });
            onChanged();
          }}
        />
      )}
      {may('environment.rollback') && (revisions.length > 0 || releases.length > 0) && (
        <ConfirmButton
          label="Roll back"
          danger
          comment={managed ? 'optional' : undefined}
          question={`Roll ${app.name} back to the chosen revision (a revert commit in the config repository)?`}
          onConfirm={async (comment) => {
            const release = releases.find((r) => r.id === target);
            const revision = release?.configRevision ?? (target || revisions[1]?.revision || revisions[0]?.revision);
            if (!revision) throw new Error('choose a revision');
            await environmentOr(app, 'rollback', { ...(release ? { release: release.id } : { revision }), ...(comment ? { comment } : {}) }, { revision });
            onChanged();
          }}
        >
          <label className="field">
            Revision
            <select value={target} onChange={(event) => setTarget(event.target.value)}>
              <option value="">the one before the current</option>
              {releases.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.version.imageTag ?? shortSha(r.configRevision)} — {r.kind} by {r.deployedBy}, {dateTime(r.deployedAt)}
                </option>
              ))}
              {releases.length === 0 &&
                revisions.map((s) => (
                  <option key={s.revision} value={s.revision}>
                    {shortSha(s.revision)} — sync #{s.number} by {s.triggeredBy}, {dateTime(s.createdAt)}
                  </option>
                ))}
            </select>
          </label>
        </ConfirmButton>
      )}
    </div>
  );
}

export function ApplicationPage({ name }: { name: string }) {
  const detail = useApi<ApplicationDetail>(`/api/applications/${name}`, { pollMs: 3000 });
  const syncs = useApi<SyncRecord[]>(`/api/applications/${name}/syncs?limit=50`, { pollMs: 3000 });
  const app = detail.data;
  const releases = useApi<ReleaseRecord[]>(app?.service ? `/api/releases${query({ service: app.service, environment: app.environment, limit: 20 })}` : null);
  const reload = () => {
    detail.reload();
    syncs.reload();
    releases.reload();
  };
  return (
    <>
      <h1>
        <a href={href('applications')}>Applications</a> / {name}
      </h1>
      <Loaded {...detail}>
        {(a) => (
          <>
            <Facts
              items={[
                ['Sync', <Status value={a.status?.syncStatus ?? 'Unknown'} label="sync" />],
                ['Health', <Status value={a.status?.health ?? 'Unknown'} label="health" />],
                ['Service', a.service ?? '–'],
                ['Environment', a.environment ?? '–'],
                ['Destination', `${a.cluster} / ${a.destination.namespace}`],
                ['Source', `${a.source.repoUrl}${a.source.path ? ` /${a.source.path}` : ''} @ ${a.source.revision}`],
                ['Revision', <code>{shortSha(a.status?.revision)}</code>],
              ]}
            />
            {a.status?.message && <p className="muted">{a.status.message}</p>}
            <Actions app={a} syncs={syncs.data ?? []} releases={releases.data ?? []} onChanged={reload} />
            <h2>Objects</h2>
            <ObjectTree resources={a.resources} />
          </>
        )}
      </Loaded>
      <h2>Sync history</h2>
      <Loaded {...syncs}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No syncs yet.</p>
          ) : (
            <DataTable
              label="Sync history"
              columns={['Sync', 'Status', 'Revision', 'By', 'When', 'Took', 'Message']}
              rows={list}
              rowKey={(s) => s.id}
              cells={(s) => [
                `#${s.number}${s.dryRun ? ' (dry run)' : ''}`,
                <Status value={s.status} />,
                <code>{shortSha(s.revision)}</code>,
                s.triggeredBy,
                ago(s.createdAt),
                s.finishedAt ? duration(s.finishedAt - s.createdAt) : s.phase,
                s.message ?? s.reason ?? '',
              ]}
            />
          )
        }
      </Loaded>
      {app?.service && (
        <>
          <h2>Releases of {app.service}</h2>
          {releases.error !== undefined ? <ErrorBox error={releases.error} /> : <ReleaseTable releases={releases.data ?? []} />}
        </>
      )}
    </>
  );
}

export function ReleaseTable({ releases }: { releases: ReleaseRecord[] }) {
  if (releases.length === 0) return <p className="muted">No releases recorded.</p>;
  return (
    <DataTable
      label="Releases"
      columns={['Version', 'Environment', 'Kind', 'Deployed', 'Approvers', 'Commits', 'Healthy']}
      rows={releases}
      rowKey={(r) => r.id}
      cells={(r) => [
        r.version.imageTag ?? r.version.chartVersion ?? shortSha(r.configRevision),
        r.environment,
        r.kind,
        `${r.deployedBy}, ${dateTime(r.deployedAt)}`,
        r.approvers.map((a) => a.login).join(', ') || '–',
        r.commits.length,
        r.healthy ? 'yes' : 'no',
      ]}
    />
  );
}
