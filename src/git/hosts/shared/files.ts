/** The file lists hosts attach to each pushed commit. */
export interface CommitFiles {
  added?: string[] | undefined;
  removed?: string[] | undefined;
  modified?: string[] | undefined;
}

/**
 * The paths a push changed, de-duplicated and sorted, when the payload
 * carries them for every pushed commit. Undefined (so git computes them)
 * when the host truncated the commit list, sent no commits (a branch
 * created at an existing commit, a force push back to an older one) or
 * left a commit's lists out.
 */
export function changedFilesOf(commits: readonly CommitFiles[], complete: boolean): string[] | undefined {
  if (!complete || commits.length === 0) return undefined;
  const paths = new Set<string>();
  for (const commit of commits) {
    if (!commit.added || !commit.removed || !commit.modified) return undefined;
    for (const path of [...commit.added, ...commit.removed, ...commit.modified]) paths.add(path);
  }
  return [...paths].sort();
}
