import type { ApiClient } from '../client.ts';

interface PreviewRow {
  name: string;
  repo: string;
  branch: string;
  status: string;
  url: string | null;
  expiresAt: string | null;
  message: string | null;
}

/** `trunkline previews ls`: one line per preview (name, status, repo@branch, URL, expiry, message). */
export async function previewListCommand(client: ApiClient, options: { json?: boolean }): Promise<void> {
  const previews = await client.get<PreviewRow[]>('/api/previews');
  if (options.json) {
    process.stdout.write(`${JSON.stringify(previews, null, 2)}\n`);
    return;
  }
  for (const p of previews) {
    process.stdout.write(`${[p.name, p.status, `${p.repo}@${p.branch}`, p.url ?? '-', p.expiresAt ?? '-', p.message ?? ''].join('\t')}\n`);
  }
}

/** `trunkline previews rm NAME`: tears the preview down (its applications, namespace and config folder). */
export async function previewRemoveCommand(client: ApiClient, name: string): Promise<void> {
  await client.request('DELETE', `/api/previews/${encodeURIComponent(name)}`);
  process.stdout.write(`preview ${name} removed\n`);
}
