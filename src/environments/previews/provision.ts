/**
 * Makes the place a preview runs in: by default a namespace in the
 * environment's cluster, labelled as Trunkline's; with a provisioner, what
 * the command makes (its kubeconfig registered as cluster `preview-<branch>`).
 * Safe to repeat: a resumed preview is provisioned again.
 */
import { ConfigError, ConflictError } from '../../core/index.ts';
import type { PreviewRecord } from '../../store/index.ts';
import { branchSlug } from '../config/index.ts';
import type { Environment } from '../config/index.ts';
import { withCluster } from './cluster-client.ts';
import type { PreviewDeps } from './deps.ts';
import { ensurePreviewNamespace } from './namespace.ts';
import { provisionerCommand } from './provisioner-command.ts';
import { runProvisioner } from './provisioner.ts';

export async function provision(deps: PreviewDeps, record: PreviewRecord, environment: Environment, commit: string): Promise<PreviewRecord> {
  const command = environment.preview?.provisioner;
  if (command) return provisionWithCommand(deps, record, environment, command, commit);
  if (!environment.cluster) throw new ConfigError(`environment "${environment.name}" names no cluster to create previews in`);
  await withCluster(deps, environment.cluster, (client) => ensurePreviewNamespace(client, record.namespace, { preview: record.name, repo: record.repo, branch: record.branch }));
  return deps.store.previews.update(record.id, { cluster: environment.cluster, createdNamespace: true, message: 'waiting for a release from the branch build' });
}

async function provisionWithCommand(deps: PreviewDeps, record: PreviewRecord, environment: Environment, command: string, commit: string): Promise<PreviewRecord> {
  const output = await runProvisioner(
    await provisionerCommand(deps, command),
    { action: 'create', name: record.name, branch: record.branch, repo: record.repo, service: record.service, namespace: record.namespace, commit, environment: environment.name },
    { timeoutMs: deps.provisionerTimeoutMs },
  );
  let cluster = environment.cluster ?? undefined;
  let createdCluster = record.createdCluster;
  if (output.kubeconfig !== undefined) {
    cluster = `preview-${branchSlug(record.branch)}`;
    const existing = await deps.store.clusters.findByName(cluster);
    if (existing && record.createdCluster !== cluster) throw new ConflictError(`cluster "${cluster}" is already registered and was not made for this preview`);
    if (existing) await deps.store.clusters.update(existing.id, { kubeconfig: output.kubeconfig });
    else await deps.store.clusters.create({ name: cluster, kubeconfig: output.kubeconfig });
    createdCluster = cluster;
  }
  if (!cluster) throw new ConfigError(`the provisioner of "${environment.name}" returned no kubeconfig and the environment names no cluster`);
  return deps.store.previews.update(record.id, {
    cluster,
    createdCluster: createdCluster ?? null,
    namespace: output.namespace ?? record.namespace,
    ...(output.url ? { url: output.url } : {}),
    message: 'waiting for a release from the branch build',
  });
}
