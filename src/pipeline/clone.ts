/**
 * The generated first step: a POSIX shell script (run with `set -e` in the
 * empty workspace) that checks out the build's commit, after
 * drone-runner-exec's clone commands. Values come from the step's
 * environment (`$DRONE_REMOTE_URL`, `$DRONE_COMMIT_*`), quoted, so branch
 * names never reach the shell as code.
 *
 * The ref is fetched first (shallowly with `clone.depth`); if that fails or
 * does not contain the commit — a deleted branch, a force-push since the
 * event — the commit is fetched by its sha. Pull requests check out the
 * head commit itself rather than a merge with the target branch.
 */
export interface CloneOptions {
  depth?: number;
  retries?: number;
  /** Check out on a local branch named `$DRONE_COMMIT_BRANCH` (branch events) rather than detached. */
  onBranch: boolean;
  /** The ref no longer exists (branch deletion): fetch the commit directly. */
  refGone: boolean;
}

export function cloneCommands(options: CloneOptions): string[] {
  const depth = options.depth ? ` --depth=${options.depth}` : '';
  const retries = Math.max(0, Math.trunc(options.retries ?? 0));
  const lines = [
    'export GIT_TERMINAL_PROMPT=0',
    // Retries with a growing pause for flaky networks; `clone.retries` times.
    `fetch() { n=0; until git fetch --quiet --no-tags${depth} origin "$@"; do n=$((n + 1)); if [ "$n" -gt ${retries} ]; then return 1; fi; sleep "$n"; done; }`,
    'git init --quiet',
    'git remote add origin "$DRONE_REMOTE_URL"',
  ];
  if (options.refGone) {
    lines.push('fetch "$DRONE_COMMIT_SHA"');
  } else {
    lines.push(
      'if [ -n "$DRONE_COMMIT_REF" ]; then fetch "+$DRONE_COMMIT_REF:" || true; fi',
      'git cat-file -e "$DRONE_COMMIT_SHA^{commit}" 2>/dev/null || fetch "$DRONE_COMMIT_SHA"',
    );
  }
  lines.push(
    options.onBranch
      ? 'git checkout --quiet --force -B "$DRONE_COMMIT_BRANCH" "$DRONE_COMMIT_SHA"'
      : 'git checkout --quiet --force "$DRONE_COMMIT_SHA"',
  );
  return lines;
}
