/**
 * Which builds an environment takes: trunk builds (the source repository's
 * default branch), tag builds whose tag matches `accepts.tags`, branch
 * builds whose branch matches `accepts.branches` (previews). Patterns are
 * globs where `*` stays within one `/`-separated segment.
 */
import picomatch from 'picomatch';
import type { Environment } from '../config/index.ts';

export interface BuildRef {
  /** The branch built; for a tag build, the branch it was tagged on when known. */
  branch: string;
  /** Set for tag builds. */
  tag?: string;
  /** The source repository's default branch (trunk). */
  defaultBranch: string;
}

const options: picomatch.PicomatchOptions = { dot: true, nonegate: true, noextglob: true };

export function globMatches(pattern: string, value: string): boolean {
  return picomatch.isMatch(value, pattern, options);
}

export function accepts(env: Environment, build: BuildRef): boolean {
  if (build.tag !== undefined) return env.accepts.tags !== null && globMatches(env.accepts.tags, build.tag);
  if (env.accepts.trunk && build.branch === build.defaultBranch) return true;
  return env.accepts.branches !== null && globMatches(env.accepts.branches, build.branch);
}

/** The non-preview environments that take this build, in file order (previews are made per branch elsewhere). */
export function releaseTargets(envs: readonly Environment[], build: BuildRef): Environment[] {
  return envs.filter((env) => env.kind !== 'preview' && accepts(env, build));
}
