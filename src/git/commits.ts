import { NotFoundError } from '../core/index.ts';
import { git } from './cli.ts';

/** The all-zero object id git uses for "no commit" (a created or deleted ref). */
export const ZERO_SHA = '0000000000000000000000000000000000000000';

export interface CommitInfo {
  sha: string;
  message: string;
  authorName: string;
  authorEmail: string;
  /** Unix seconds. */
  authorTime: number;
}

/** The commit a ref, branch, tag or sha names, or `NotFoundError`. */
export async function resolveCommit(repoDir: string, rev: string): Promise<string> {
  const { stdout, code } = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: repoDir, okCodes: [1] });
  if (code !== 0) throw new NotFoundError(`no commit "${rev}" in the repository`);
  return stdout.trim();
}

export async function readCommit(repoDir: string, sha: string): Promise<CommitInfo> {
  const format = '%H%x00%an%x00%ae%x00%at%x00%B';
  const { stdout } = await git(['show', '-s', `--format=${format}`, sha], { cwd: repoDir });
  const [full = sha, authorName = '', authorEmail = '', time = '0', ...message] = stdout.split('\0');
  return { sha: full, authorName, authorEmail, authorTime: Number(time), message: message.join('\0').trimEnd() };
}

/** The content of `path` at `sha`, or undefined when the file does not exist there. */
export async function readFileAt(repoDir: string, sha: string, path: string): Promise<string | undefined> {
  const { stdout, code } = await git(['cat-file', '-p', `${sha}:${path}`], { cwd: repoDir, okCodes: [128] });
  return code === 0 ? stdout : undefined;
}

/**
 * Paths changed from `base` to `after`: since the commit `base` (a push),
 * or since where `after` forked from the branch `base` when `fork` is set
 * (a pull request, a new branch); without a base, the files of the tip
 * commit itself.
 */
export async function changedFiles(repoDir: string, base: string | undefined, after: string, options: { fork?: boolean } = {}): Promise<string[]> {
  const args =
    base && base !== ZERO_SHA
      ? ['diff', '--name-only', '-z', '--no-renames', options.fork ? `${base}...${after}` : base, ...(options.fork ? [] : [after])]
      : ['diff-tree', '--root', '--no-commit-id', '--name-only', '-z', '-r', '--no-renames', after];
  const { stdout } = await git(args, { cwd: repoDir });
  return stdout.split('\0').filter((path) => path !== '');
}
