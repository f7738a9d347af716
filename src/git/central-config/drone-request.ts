/**
 * The body Drone's server POSTs to a configuration extension: drone-go's
 * `config.Request` with `drone.Repo` and `drone.Build` under their JSON
 * names, so extensions written against drone-go decode it unchanged.
 * Fields Trunkline has no value for carry Go's zero values, as Drone's own
 * server sends them.
 */
import type { ConfigRequest } from './contract.ts';

export function droneConfigRequest(request: ConfigRequest): { repo: Record<string, unknown>; build: Record<string, unknown> } {
  const { repo, build } = request;
  return {
    repo: {
      id: 0,
      uid: '',
      user_id: 0,
      namespace: repo.namespace,
      name: repo.name,
      slug: repo.slug,
      scm: 'git',
      git_http_url: repo.cloneUrl,
      git_ssh_url: '',
      link: repo.link,
      default_branch: repo.defaultBranch,
      private: repo.visibility !== 'public',
      visibility: repo.visibility,
      active: true,
      config_path: repo.configPath,
      trusted: repo.trusted,
      protected: false,
      timeout: 0,
    },
    build: {
      id: 0,
      repo_id: 0,
      trigger: '',
      number: build.number,
      parent: 0,
      status: 'pending',
      event: build.event,
      action: build.action,
      link: '',
      timestamp: 0,
      message: build.message,
      before: build.beforeSha,
      after: build.commitSha,
      ref: build.ref,
      source_repo: '',
      source: build.sourceBranch,
      target: build.targetBranch,
      author_login: build.authorLogin,
      author_name: build.authorName,
      author_email: build.authorEmail,
      author_avatar: '',
      sender: build.authorLogin,
      started: 0,
      finished: 0,
      created: build.created,
      updated: build.created,
      version: 0,
    },
  };
}
