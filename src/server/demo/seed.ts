/**
 * `trunkline up` on a fresh data folder seeds a demo through the real front
 * doors — the HTTP API and a git push to the built-in host — so the first
 * thing a newcomer sees is real builds: tests, an image, a chart, config
 * commits and environments. The config repository goes first, so the
 * service's first build can release to it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConflictError, ExternalError } from '../../core/index.ts';
import { git } from '../../git/index.ts';
import { configFiles, DEMO_CONFIG, DEMO_SERVICE, serviceFiles } from './files.ts';

export interface DemoOptions {
  /** The running server. */
  url: string;
  /** An admin token. */
  token: string;
}

export interface Demo {
  repos: string[];
}

const identity = { GIT_AUTHOR_NAME: 'Trunkline demo', GIT_AUTHOR_EMAIL: 'demo@trunkline.localhost', GIT_COMMITTER_NAME: 'Trunkline demo', GIT_COMMITTER_EMAIL: 'demo@trunkline.localhost' };

export async function seedDemo(options: DemoOptions): Promise<Demo> {
  const registryHost = new URL(options.url).host;
  const repos: string[] = [];
  for (const [repo, files, message] of [
    [DEMO_CONFIG, configFiles(registryHost), 'Environments: test, staging, production and feature previews'],
    [DEMO_SERVICE, serviceFiles(registryHost), 'A service with tests, an image, a chart and a deploy pipeline'],
  ] as const) {
    await createRepo(options, repo);
    const remote = `${options.url}/git/${repo.namespace}/${repo.name}.git`;
    if (await hasCommits(options, remote)) throw new ConflictError(`the demo repository ${repo.namespace}/${repo.name} already has commits`);
    await pushFiles(options, remote, files, message);
    repos.push(`${repo.namespace}/${repo.name}`);
  }
  return { repos };
}

async function createRepo(options: DemoOptions, repo: { namespace: string; name: string }): Promise<void> {
  const response = await fetch(`${options.url}/api/repos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(repo),
  });
  // 409: it exists (the environments' config repository is created empty at the first start).
  if (response.status === 409) return;
  if (!response.ok) throw new ExternalError(`creating the demo repository ${repo.namespace}/${repo.name} failed: ${response.status} ${await response.text()}`);
}

async function hasCommits(options: DemoOptions, remote: string): Promise<boolean> {
  const { stdout } = await git(['-c', `http.extraHeader=Authorization: Basic ${basicAuth(options)}`, 'ls-remote', '--heads', remote]);
  return stdout.trim().length > 0;
}

function basicAuth(options: DemoOptions): string {
  return Buffer.from(`admin:${options.token}`).toString('base64');
}

async function pushFiles(options: DemoOptions, remote: string, files: Record<string, string>, message: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'trunkline-demo-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text, { mode: path.endsWith('.sh') ? 0o755 : 0o644 });
    }
    const env = { ...identity };
    await git(['init', '-q', '-b', 'main'], { cwd: dir, env });
    await git(['add', '-A'], { cwd: dir, env });
    await git(['commit', '-q', '-m', message], { cwd: dir, env });
    await git(['-c', `http.extraHeader=Authorization: Basic ${basicAuth(options)}`, 'push', '-q', remote, 'main'], { cwd: dir, env });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
