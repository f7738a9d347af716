import { resolve } from 'node:path';
import type { ApiClient } from '../client.ts';

const write = (text: string) => process.stdout.write(text);

/** `repo add NAMESPACE/NAME CLONE_URL`: a local path is made absolute so the server finds it. */
export async function repoAddCommand(
  client: ApiClient,
  slug: string,
  cloneUrl: string,
  options: { defaultBranch?: string; configPath?: string; visibility?: string },
): Promise<void> {
  const [namespace, name, ...rest] = slug.split('/');
  if (!namespace || !name || rest.length > 0) throw new Error(`expected NAMESPACE/NAME, got "${slug}"`);
  const url = /^[a-z][a-z0-9+.-]*:\/\/|^[^/]+@[^/]+:/i.test(cloneUrl) ? cloneUrl : resolve(cloneUrl);
  const repo = await client.post<{ slug: string; cloneUrl: string }>('/api/repos', { namespace, name, cloneUrl: url, ...options });
  write(`registered ${repo.slug} (${repo.cloneUrl})\n`);
}

/** `repo create NAMESPACE/NAME`: a new repository on the built-in git host. */
export async function repoCreateCommand(client: ApiClient, slug: string, options: { defaultBranch?: string; visibility?: string }): Promise<void> {
  const [namespace, name, ...rest] = slug.split('/');
  if (!namespace || !name || rest.length > 0) throw new Error(`expected NAMESPACE/NAME, got "${slug}"`);
  const repo = await client.post<{ slug: string; httpUrl: string }>('/api/repos', { namespace, name, ...options });
  write(`created ${repo.slug}; push to it with:\n  git remote add trunkline ${repo.httpUrl}\n  git push trunkline main   (user: your login, password: your token)\n`);
}

export async function repoListCommand(client: ApiClient): Promise<void> {
  for (const repo of await client.get<{ slug: string; cloneUrl: string; defaultBranch: string }[]>('/api/repos')) {
    write(`${repo.slug}\t${repo.defaultBranch}\t${repo.cloneUrl}\n`);
  }
}

export async function secretSetCommand(client: ApiClient, repo: string, name: string, value: string, options: { allowPullRequest: boolean }): Promise<void> {
  await client.post(`/api/repos/${repo}/secrets`, { name, value, allowPullRequest: options.allowPullRequest });
  write(`secret ${name} stored for ${repo}\n`);
}

export async function secretListCommand(client: ApiClient, repo: string): Promise<void> {
  for (const secret of await client.get<{ name: string; allowPullRequest: boolean }[]>(`/api/repos/${repo}/secrets`)) {
    write(`${secret.name}${secret.allowPullRequest ? '\t(pull requests too)' : ''}\n`);
  }
}

export async function userAddCommand(client: ApiClient, login: string, options: { role: string }): Promise<void> {
  await client.post('/api/users', { login, role: options.role });
  const { token } = await client.post<{ token: string }>(`/api/users/${login}/tokens`, { name: 'cli' });
  write(`user ${login} (${options.role}) created; token:\n${token}\n`);
}
