import { readFile } from 'node:fs/promises';
import type { ApiClient } from '../client.ts';

const write = (text: string) => process.stdout.write(text);

/** `cluster add NAME --kubeconfig FILE | --in-cluster`: the kubeconfig is stored encrypted and never shown again. */
export async function clusterAddCommand(client: ApiClient, name: string, options: { kubeconfig?: string; inCluster?: boolean }): Promise<void> {
  if ((options.kubeconfig === undefined) === (options.inCluster !== true)) throw new Error('give exactly one of --kubeconfig FILE and --in-cluster');
  const body = options.kubeconfig ? { name, kubeconfig: await readFile(options.kubeconfig, 'utf8') } : { name, inCluster: true };
  const cluster = await client.post<{ name: string; server: string }>('/api/clusters', body);
  write(`cluster ${cluster.name} connected (${cluster.server})\n`);
}

export async function clusterListCommand(client: ApiClient): Promise<void> {
  for (const c of await client.get<{ name: string; server: string }[]>('/api/clusters')) write(`${c.name}\t${c.server}\n`);
}
