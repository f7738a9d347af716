import { NotFoundError } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { PreviewDeps } from './deps.ts';

/** Runs `task` with a client of the registered cluster `name`, closed afterwards. */
export async function withCluster<T>(deps: PreviewDeps, name: string, task: (client: KubeClient) => Promise<T>): Promise<T> {
  const record = await deps.store.clusters.findByName(name);
  if (!record) throw new NotFoundError(`no cluster "${name}" is registered (POST /api/clusters)`);
  const kubeconfig = record.inCluster ? ({ inCluster: true } as const) : await deps.store.clusters.revealKubeconfig(record.id);
  if (kubeconfig === undefined) throw new NotFoundError(`cluster "${name}" has no credentials`);
  const client = deps.connect(kubeconfig);
  try {
    return await task(client);
  } finally {
    await client.close();
  }
}
