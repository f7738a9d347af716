/** What the API shows of environments: their settings and the service × environment matrix. */
import type { InputProblem } from '../../core/index.ts';
import type { ApplicationHealth, ApplicationSyncStatus } from '../../store/index.ts';
import type { Environment, SyncWindow } from '../config/index.ts';
import { serviceFolders } from '../applications/generate.ts';
import { applicationName } from './deps.ts';
import type { EnvironmentDeps } from './deps.ts';
import { approvalsFor } from './gates.ts';
import { deployedVersion, releaseAt } from './versions.ts';

export interface EnvironmentView {
  name: string;
  kind: Environment['kind'];
  cluster: string | null;
  clusterConnected: boolean;
  /** How to connect the cluster, when it is not. */
  message: string | null;
  namespace: string;
  sync: Environment['deploy'];
  /** The least role that may change this environment (sync, promote, roll back): `release-manager` for production. */
  syncRole: Environment['syncRole'];
  approvals: Environment['approvals'];
  windows: SyncWindow[];
  ingressHost: string | null;
}

export interface EnvironmentsView {
  configRepo: string | null;
  configRevision: string | null;
  builtIn: boolean;
  problems: InputProblem[];
  environments: EnvironmentView[];
}

export interface MatrixCell {
  application: string;
  version: { imageTag: string | null; imageDigest: string | null; chartVersion: string | null } | null;
  sync: ApplicationSyncStatus;
  health: ApplicationHealth;
  lastDeployment: { by: string; at: string; revision: string } | null;
  pending: { imageTag: string | null; approvals: { login: string; comment: string; at: string }[]; required: number; awaitingApproval: boolean } | null;
}

export interface Matrix {
  environments: string[];
  services: { service: string; cells: Record<string, MatrixCell | null> }[];
}

export function connectMessage(cluster: string | null): string {
  if (cluster === null) return 'this environment names no cluster: set `cluster:` in environments.yaml';
  return `no cluster "${cluster}" is connected: register its kubeconfig with POST /api/clusters {"name":"${cluster}","kubeconfig":"…"}; builds, images, charts and config commits work meanwhile`;
}

export async function environmentsView(deps: EnvironmentDeps): Promise<EnvironmentsView> {
  const snapshot = await deps.catalog.snapshot();
  const clusters = new Set((await deps.store.clusters.list()).map((c) => c.name));
  return {
    configRepo: deps.config.url,
    configRevision: snapshot.revision,
    builtIn: snapshot.builtIn,
    problems: snapshot.problems,
    environments: snapshot.environments.map((env) => {
      const connected = env.cluster !== null && clusters.has(env.cluster);
      return {
        name: env.name,
        kind: env.kind,
        cluster: env.cluster,
        clusterConnected: connected,
        message: connected ? null : connectMessage(env.cluster),
        namespace: env.namespace,
        sync: env.deploy,
        syncRole: env.syncRole,
        approvals: env.approvals,
        windows: env.windows,
        ingressHost: env.ingressHost,
      };
    }),
  };
}

export async function matrixView(deps: EnvironmentDeps): Promise<Matrix> {
  const envs = (await deps.catalog.list()).filter((e) => e.kind !== 'preview');
  const { tip, folders } = await deps.config.repository.read(async (tip) => ({ tip, folders: tip ? serviceFolders((await deps.config.repository.files(tip, 'environments')).map((f) => f.path)) : [] }));
  const apps = await deps.store.applications.list();
  const services = [...new Set([...folders.map((f) => f.service), ...apps.filter((a) => a.service && a.environment).map((a) => a.service!)])].sort();
  const rows: Matrix['services'] = [];
  for (const service of services) {
    const cells: Record<string, MatrixCell | null> = {};
    for (const env of envs) {
      const hasFolder = folders.some((f) => f.environment === env.name && f.service === service);
      const app = apps.find((a) => a.environment === env.name && a.service === service) ?? apps.find((a) => a.name === applicationName(service, env.name));
      cells[env.name] = hasFolder || app ? await cell(deps, env, service, app, tip) : null;
    }
    rows.push({ service, cells });
  }
  return { environments: envs.map((e) => e.name), services: rows };
}

async function cell(deps: EnvironmentDeps, env: Environment, service: string, app: Awaited<ReturnType<EnvironmentDeps['store']['applications']['findByName']>>, tip: string | undefined): Promise<MatrixCell> {
  const status = app ? await deps.store.applicationStatus.get(app.id) : undefined;
  const deployed = await deployedVersion(deps, app, env.name, service);
  const latest = (await deps.store.releases.list({ service, environment: env.name, limit: 1 }))[0];
  const atTip = await releaseAt(deps, tip, env.name, service).catch(() => undefined);
  const deployedTag = deployed.release?.image.tag ?? null;
  let pending: MatrixCell['pending'] = null;
  if (atTip && atTip.image.tag !== deployedTag) {
    const count = await approvalsFor(deps, env, service, atTip.image.tag);
    pending = {
      imageTag: atTip.image.tag,
      approvals: count.counted.map((a) => ({ login: a.login, comment: a.comment, at: new Date(a.createdAt).toISOString() })),
      required: env.approvals.required,
      awaitingApproval: !count.satisfied,
    };
  }
  return {
    application: app?.name ?? applicationName(service, env.name),
    version: deployed.release
      ? { imageTag: deployedTag, imageDigest: latest?.version.imageTag === deployedTag ? latest.version.imageDigest : null, chartVersion: deployed.release.chart?.version ?? null }
      : null,
    sync: status?.syncStatus ?? 'Unknown',
    health: status?.health ?? 'Unknown',
    lastDeployment: deployed.revision ? { by: deployed.by ?? '', at: new Date(deployed.at ?? 0).toISOString(), revision: deployed.revision } : null,
    pending,
  };
}
