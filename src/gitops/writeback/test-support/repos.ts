/** Real git repositories in temp dirs for write-back tests: a bare "remote" that refuses non-fast-forward pushes and logs every ref update. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git, resolveCommit } from '../../../git/index.ts';

export const author = { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };

export interface Sandbox {
  root: string;
  remote: string;
  /** A fresh workdir path for a writer. */
  workdir(name: string): string;
  /** Commits `files` (path → content, null to delete) on main of the remote as Ada, through a scratch clone. */
  seed(files: Record<string, string | null>, message: string): Promise<string>;
  tip(branch?: string): Promise<string>;
  show(rev: string, path: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'tl-writeback-'));
  const remote = join(root, 'config.git');
  await git(['init', '--bare', '-q', '-b', 'main', remote]);
  // The remote itself refuses forced updates and keeps a reflog of every update, so tests can assert history only grew.
  await git(['config', 'receive.denyNonFastForwards', 'true'], { cwd: remote });
  await git(['config', 'core.logAllRefUpdates', 'always'], { cwd: remote });
  const scratch = join(root, 'scratch');
  let cloned = false;
  return {
    root,
    remote,
    workdir: (name) => join(root, 'work', `${name}.git`),
    async seed(files, message) {
      if (!cloned) {
        await git(['clone', '-q', remote, scratch]);
        await git(['checkout', '-q', '-B', 'main'], { cwd: scratch });
        cloned = true;
      } else {
        await git(['pull', '-q', '--ff-only', 'origin', 'main'], { cwd: scratch });
      }
      for (const [path, content] of Object.entries(files)) {
        if (content === null) {
          await git(['rm', '-q', path], { cwd: scratch });
          continue;
        }
        await mkdir(dirname(join(scratch, path)), { recursive: true });
        await writeFile(join(scratch, path), content);
      }
      await git(['add', '-A'], { cwd: scratch });
      await git(['commit', '-q', '-m', message], { cwd: scratch, env: author });
      await git(['push', '-q', 'origin', 'main'], { cwd: scratch });
      return resolveCommit(scratch, 'HEAD');
    },
    tip: (branch = 'main') => resolveCommit(remote, branch),
    async show(rev, path) {
      return (await git(['show', `${rev}:${path}`], { cwd: remote })).stdout;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** The remote's reflog of `main`, oldest first: `[old, new]` per update. */
export async function refUpdates(remote: string): Promise<Array<[string, string]>> {
  const log = await readFile(join(remote, 'logs', 'refs', 'heads', 'main'), 'utf8');
  return log
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [old = '', next = ''] = line.split(' ');
      return [old, next];
    });
}
