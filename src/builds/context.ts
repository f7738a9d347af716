import type { BuildContext } from '../pipeline/index.ts';
import type { BuildRecord, RepoRecord } from '../store/index.ts';

export interface ServerInfo {
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  version: string;
}

/** What the pipeline compiler needs to know about a build. */
export function buildContextOf(
  repo: RepoRecord,
  build: BuildRecord,
  source: { cloneUrl: string; changedFiles?: string[] },
  server: ServerInfo,
): BuildContext {
  const url = new URL(server.url);
  const repoLink = `${server.url}/repos/${repo.slug}`;
  return {
    repo: {
      namespace: repo.namespace,
      name: repo.name,
      link: repoLink,
      cloneUrl: source.cloneUrl,
      defaultBranch: repo.defaultBranch,
      visibility: repo.visibility,
      private: repo.visibility !== 'public',
    },
    build: {
      number: build.number,
      parent: build.parentNumber,
      event: build.event,
      action: build.action || undefined,
      trigger: build.trigger,
      deployTo: build.deployTo,
      created: Math.floor(build.createdAt / 1000),
      link: `${repoLink}/builds/${build.number}`,
      params: build.params,
    },
    commit: {
      sha: build.commitSha,
      before: build.beforeSha,
      ref: build.ref,
      branch: build.branch,
      sourceBranch: build.sourceBranch,
      targetBranch: build.targetBranch,
      tag: build.tag,
      pullRequest: build.pullRequest,
      message: build.message,
      link: `${repoLink}/commit/${build.commitSha}`,
      author: { name: build.authorName, email: build.authorEmail, username: build.authorLogin, avatar: build.authorAvatar },
    },
    changedFiles: source.changedFiles,
    system: { proto: url.protocol.replace(/:$/, ''), host: url.host, version: server.version },
  };
}
