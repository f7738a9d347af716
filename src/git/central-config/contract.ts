/**
 * Where a build's pipeline file comes from: the repository's own file, a
 * central config repository chosen by rules, or a Drone configuration
 * extension over HTTP. The build service asks once per build.
 */

export interface ConfigRequest {
  repo: {
    namespace: string;
    name: string;
    /** `namespace/name` */
    slug: string;
    /** The repository's own pipeline file path (e.g. `.drone.yml`). */
    configPath: string;
    defaultBranch: string;
    cloneUrl: string;
    link: string;
    visibility: 'public' | 'private' | 'internal';
    trusted: boolean;
  };
  build: {
    number: number;
    event: string;
    action: string;
    ref: string;
    /** Target branch (for pull requests) or the pushed branch. */
    branch: string;
    sourceBranch: string;
    targetBranch: string;
    commitSha: string;
    beforeSha: string;
    message: string;
    authorLogin: string;
    authorName: string;
    authorEmail: string;
    created: number;
  };
  /** Reads a file of the repository at the build's commit; undefined when absent. */
  readRepoFile(path: string): Promise<string | undefined>;
}

export type ConfigResolution =
  | { source: 'repo'; file: string; text: string }
  | { source: 'central'; file: string; text: string; rule: string; revision: string }
  | { source: 'extension'; file: string; text: string; endpoint: string }
  /** No pipeline for this build, and why (no file, or the repository's own file is forbidden). */
  | { source: 'none'; reason: string };

export interface PipelineConfigSource {
  resolve(request: ConfigRequest): Promise<ConfigResolution>;
}
