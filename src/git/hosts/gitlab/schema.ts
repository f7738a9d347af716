import { z } from 'zod';
import { fullName, sha } from '../shared/payload.ts';

/** GitLab webhook payloads, as far as Trunkline reads them; every other field passes unread. */

export const project = z.object({
  path_with_namespace: fullName,
  git_http_url: z.string().optional(),
  web_url: z.string().optional(),
  default_branch: z.string().nullish(),
  /** 0 private, 10 internal, 20 public. */
  visibility_level: z.number().optional(),
});

const commit = z.object({
  id: sha,
  message: z.string(),
  url: z.string().optional(),
  author: z.object({ name: z.string(), email: z.string() }),
  added: z.array(z.string()).nullish(),
  modified: z.array(z.string()).nullish(),
  removed: z.array(z.string()).nullish(),
});

/** `Push Hook` and `Tag Push Hook`. */
export const pushPayload = z.object({
  ref: z.string(),
  before: sha,
  after: sha,
  /** The commit to check out: for an annotated tag the commit, not the tag object; null for a deletion. */
  checkout_sha: sha.nullish(),
  user_username: z.string().optional(),
  project,
  /** GitLab lists at most 20 commits and counts them all in `total_commits_count`. */
  commits: z.array(commit).nullish(),
  total_commits_count: z.number().int().nonnegative().optional(),
});

export const mergeRequestPayload = z.object({
  user: z.object({ username: z.string() }).optional(),
  project,
  object_attributes: z.object({
    iid: z.number().int().positive(),
    title: z.string(),
    url: z.string().optional(),
    source_branch: z.string(),
    target_branch: z.string(),
    action: z.string().optional(),
    last_commit: commit.omit({ added: true, modified: true, removed: true }),
    /** Present on updates that changed the code: the previous head. */
    oldrev: sha.nullish(),
  }),
});

export type GitlabProject = z.output<typeof project>;
export type GitlabCommit = z.output<typeof commit>;
