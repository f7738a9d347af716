import { resolve } from 'node:path';
import { kubernetesConfigFromEnv } from '../../runner/index.ts';
import type { ApiClient } from '../client.ts';
import { RunnerAgent } from '../runner-agent.ts';

const write = (text: string) => process.stdout.write(text);

export interface RunnerOptions {
  server?: string;
  token?: string;
  capacity: number;
  labels: Record<string, string>;
  data: string;
}

/** `trunkline runner`: runs stages for a server until SIGINT/SIGTERM, finishing what it runs. */
export async function runnerCommand(options: RunnerOptions): Promise<void> {
  const server = options.server ?? process.env.TRUNKLINE_SERVER;
  const token = options.token ?? process.env.TRUNKLINE_RUNNER_TOKEN;
  if (!server) throw new Error('no server: pass --server URL (or set TRUNKLINE_SERVER)');
  if (!token) throw new Error('no runner token: pass --token (or set TRUNKLINE_RUNNER_TOKEN); an admin creates one with `trunkline runners add NAME`');
  const kubernetes = kubernetesConfigFromEnv(process.env);
  const agent = new RunnerAgent({
    server,
    token,
    capacity: options.capacity,
    labels: options.labels,
    dataDir: resolve(options.data),
    ...(kubernetes ? { backendConfig: { kubernetes } } : {}),
  });
  process.on('SIGINT', () => agent.stop());
  process.on('SIGTERM', () => agent.stop());
  await agent.run();
}

export async function runnersAddCommand(client: ApiClient, name: string): Promise<void> {
  const { token } = await client.post<{ token: string }>('/api/runners', { name });
  write(`runner ${name} registered; start it with:\n  trunkline runner --server ${client.server} --token ${token}\n`);
}

export async function runnersListCommand(client: ApiClient): Promise<void> {
  for (const r of await client.get<{ name: string; labels: Record<string, string>; lastSeenAt?: number; version?: string }[]>('/api/runners')) {
    const labels = Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(',');
    write(`${r.name}\t${r.lastSeenAt ? new Date(r.lastSeenAt).toISOString() : 'never seen'}\t${r.version ?? ''}\t${labels}\n`);
  }
}

export async function runnersRemoveCommand(client: ApiClient, name: string): Promise<void> {
  await client.request('DELETE', `/api/runners/${encodeURIComponent(name)}`);
  write(`runner ${name} removed\n`);
}
