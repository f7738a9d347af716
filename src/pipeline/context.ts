/**
 * What is known about a build before it runs: the input to conditions,
 * substitution and the `DRONE_*`/`CI_*` variables.
 */

/** Drone's events plus Trunkline's `create` and `delete` (a branch created or deleted). */
export type BuildEvent = 'push' | 'pull_request' | 'tag' | 'promote' | 'rollback' | 'cron' | 'custom' | 'create' | 'delete';

export interface BuildContext {
  repo: {
    /** Owner or group, e.g. `acme`. */
    namespace: string;
    name: string;
    /** Web link to the repository. */
    link: string;
    /** Where steps clone from. */
    cloneUrl: string;
    defaultBranch: string;
    visibility: 'public' | 'private' | 'internal';
    private: boolean;
  };
  build: {
    number: number;
    parent?: number;
    event: BuildEvent;
    /** Sub-action of the event, e.g. `opened`/`synchronized`/`closed` for pull requests. */
    action?: string;
    /** Who or what started the build (user login or `@hook`). */
    trigger: string;
    /** Target environment of a `promote`/`rollback`. */
    deployTo?: string;
    /** Name of the cron job for `cron` builds. */
    cron?: string;
    /** Unix seconds. */
    created: number;
    /** Link to the build page. */
    link: string;
    /** Extra variables given when the build was triggered (substituted and exported like Drone's parameters). */
    params: Record<string, string>;
  };
  commit: {
    sha: string;
    /** Commit before the push (zeros when unknown or for a new branch). */
    before: string;
    ref: string;
    /** The branch the build is for; for pull requests, the target branch. */
    branch: string;
    sourceBranch: string;
    targetBranch: string;
    tag?: string;
    pullRequest?: number;
    message: string;
    link: string;
    author: { name: string; email: string; username: string; avatar: string };
  };
  /** Files changed by the event, for `paths` conditions; undefined when unknown (then `paths` matches). */
  changedFiles?: string[];
  system: {
    /** e.g. `http`. */
    proto: string;
    /** host[:port] of the Trunkline server. */
    host: string;
    version: string;
  };
}
