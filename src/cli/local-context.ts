import { basename } from 'node:path';
import { git, readCommit, resolveCommit } from '../git/index.ts';
import type { BuildContext, BuildEvent } from '../pipeline/index.ts';
import { version } from '../server/index.ts';

export interface LocalBuildOptions {
  branch?: string;
  event: BuildEvent;
  ref?: string;
  tag?: string;
  deployTo?: string;
  buildNumber: number;
  params: Record<string, string>;
}

/**
 * A build context for the folder `trunkline exec` runs in, like `drone
 * exec`: taken from the folder's git checkout when there is one.
 */
export async function localBuildContext(dir: string, options: LocalBuildOptions): Promise<BuildContext> {
  const head = await resolveCommit(dir, 'HEAD').catch(() => undefined);
  const commit = head ? await readCommit(dir, head) : undefined;
  const currentBranch = head
    ? (await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: dir, okCodes: [1, 128] })).stdout.trim()
    : '';
  const branch = options.branch ?? (currentBranch || 'main');
  const sha = head ?? '0'.repeat(40);
  const ref = options.ref ?? (options.tag ? `refs/tags/${options.tag}` : `refs/heads/${branch}`);
  const name = basename(dir);
  return {
    repo: { namespace: 'local', name, link: '', cloneUrl: dir, defaultBranch: 'main', visibility: 'private', private: true },
    build: {
      number: options.buildNumber,
      event: options.event,
      trigger: process.env.USER ?? 'local',
      deployTo: options.deployTo,
      created: Math.floor(Date.now() / 1000),
      link: '',
      params: options.params,
    },
    commit: {
      sha,
      before: '0'.repeat(40),
      ref,
      branch,
      sourceBranch: branch,
      targetBranch: branch,
      tag: options.tag,
      message: commit?.message ?? '',
      link: '',
      author: { name: commit?.authorName ?? '', email: commit?.authorEmail ?? '', username: commit?.authorName ?? '', avatar: '' },
    },
    system: { proto: 'http', host: 'localhost', version },
  };
}
