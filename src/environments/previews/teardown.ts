/**
 * Tears a preview down, each step safe to repeat (a crash leaves it
 * `removing` and start-up runs it again): the applications' objects are
 * pruned and the applications forgotten, the namespace deleted (only one
 * Trunkline created and labelled) or the provisioner called with `delete`,
 * then the config folder removed with a commit.
 */
import { NotFoundError, messageOf } from '../../core/index.ts';
import { defaultIdentity } from '../../gitops/index.ts';
import type { PreviewRecord } from '../../store/index.ts';
import { withCluster } from './cluster-client.ts';
import type { PreviewDeps } from './deps.ts';
import { previewFolderRemoval } from './folder.ts';
import { deletePreviewNamespace } from './namespace.ts';
import { previewApplication } from './naming.ts';
import { provisionerCommand } from './provisioner-command.ts';
import { runProvisioner } from './provisioner.ts';

export async function teardown(deps: PreviewDeps, record: PreviewRecord): Promise<void> {
  for (const service of record.services) await removeApplication(deps, record, previewApplication(service, record.name));
  const command = record.provisioner;
  if (command) {
    await runProvisioner(
      await provisionerCommand(deps, command),
      { action: 'delete', name: record.name, branch: record.branch, repo: record.repo, service: record.service, namespace: record.namespace, commit: '', environment: record.environment },
      { timeoutMs: deps.provisionerTimeoutMs },
    );
    if (record.createdCluster) {
      const cluster = await deps.store.clusters.findByName(record.createdCluster);
      if (cluster) await deps.store.clusters.delete(cluster.id);
    }
  } else if (record.createdNamespace && record.cluster) {
    const outcome = await withCluster(deps, record.cluster, (client) => deletePreviewNamespace(client, record.namespace, record.name));
    if (outcome === 'not-ours') deps.logger.warn({ preview: record.name, namespace: record.namespace }, 'namespace is not labelled as this preview: left in place');
  }
  const repo = deps.configRepo;
  await repo.commit({
    identity: defaultIdentity,
    edit: async (base) => {
      const entries = await previewFolderRemoval(repo, base, record.name);
      if (entries.length === 0) return undefined;
      return { message: `Remove preview ${record.name}\n\nBranch: ${record.repo}@${record.branch}\nReason: ${record.removalReason ?? 'manual'}\n`, entries };
    },
  });
  await deps.configChanged();
}

/** Deletes the application's live objects (a prune of everything), then the application. */
async function removeApplication(deps: PreviewDeps, record: PreviewRecord, name: string): Promise<void> {
  let detail;
  try {
    detail = await deps.applications.get(name);
  } catch (error) {
    if (error instanceof NotFoundError) return;
    throw error;
  }
  const live = detail.resources.filter((r) => r.state !== 'missing');
  if (live.length > 0 && detail.cluster) {
    await withCluster(deps, detail.cluster, async (client) => {
      for (const r of live) {
        await client.delete({ apiVersion: r.apiVersion, kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) }).catch((error: unknown) => {
          deps.logger.warn({ preview: record.name, object: r.key, err: messageOf(error) }, 'preview object could not be deleted');
        });
      }
    });
  }
  await deps.applications.delete(name).catch((error: unknown) => {
    if (!(error instanceof NotFoundError)) throw error;
  });
}
