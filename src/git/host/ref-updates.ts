import { git } from '../cli.ts';
import type { GitEvent, IgnoredEvent } from '../event.ts';

export interface RefUpdate {
  before: string;
  after: string;
  ref: string;
}

/** `<old> <new> <ref>` lines as git's post-receive hook reads them. */
export function parseRefUpdates(text: string): RefUpdate[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter((parts): parts is [string, string, string] => parts.length === 3 && /^[0-9a-f]{40,64}$/.test(parts[0]!) && /^[0-9a-f]{40,64}$/.test(parts[1]!))
    .map(([before, after, ref]) => ({ before, after, ref }));
}

const isZero = (sha: string) => /^0+$/.test(sha);

/**
 * One event per ref update, in the order git applied them: a new branch is
 * `create`, a removed one `delete` (built at its last commit), a moved one
 * `push` (`forced` when the old tip is no longer an ancestor), a new tag
 * `tag`. Deleted tags and other refs are ignored with a reason.
 */
export async function refUpdateEvents(
  repoDir: string,
  repo: GitEvent['repo'],
  updates: readonly RefUpdate[],
  sender: string,
): Promise<(GitEvent | (IgnoredEvent & { ref: string }))[]> {
  const events: (GitEvent | (IgnoredEvent & { ref: string }))[] = [];
  for (const { before, after, ref } of updates) {
    const base = { provider: 'builtin' as const, repo, ref, before, after, sender };
    if (ref.startsWith('refs/heads/')) {
      const branch = ref.slice('refs/heads/'.length);
      if (isZero(before)) events.push({ ...base, kind: 'create', branch, commit: after });
      else if (isZero(after)) events.push({ ...base, kind: 'delete', branch, commit: before });
      else events.push({ ...base, kind: 'push', branch, commit: after, forced: !(await isAncestor(repoDir, before, after)) });
    } else if (ref.startsWith('refs/tags/')) {
      const tag = ref.slice('refs/tags/'.length);
      if (isZero(after)) events.push({ ref, ignored: `tag ${tag} was deleted; deleting a tag starts no build` });
      else events.push({ ...base, kind: 'tag', branch: '', tag, commit: await peel(repoDir, after) });
    } else {
      events.push({ ref, ignored: `${ref} is neither a branch nor a tag` });
    }
  }
  return events;
}

async function isAncestor(repoDir: string, ancestor: string, of: string): Promise<boolean> {
  const { code } = await git(['merge-base', '--is-ancestor', ancestor, of], { cwd: repoDir, okCodes: [1, 128] });
  return code === 0;
}

/** An annotated tag's commit. */
async function peel(repoDir: string, sha: string): Promise<string> {
  const { stdout, code } = await git(['rev-parse', '--verify', '--quiet', `${sha}^{commit}`], { cwd: repoDir, okCodes: [1, 128] });
  return code === 0 ? stdout.trim() : sha;
}
