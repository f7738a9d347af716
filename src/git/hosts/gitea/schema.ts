import { z } from 'zod';
import { fullName, sha } from '../shared/payload.ts';

/** Gitea webhook payloads, as far as Trunkline reads them; every other field passes unread. */

export const repository = z.object({
  full_name: fullName,
  clone_url: z.string().optional(),
  html_url: z.string().optional(),
  default_branch: z.string().optional(),
  private: z.boolean().optional(),
});

const user = z.object({ login: z.string() });

const commit = z.object({
  id: sha,
  message: z.string(),
  url: z.string().optional(),
  author: z.object({ name: z.string(), email: z.string(), username: z.string().optional() }),
  added: z.array(z.string()).nullish(),
  removed: z.array(z.string()).nullish(),
  modified: z.array(z.string()).nullish(),
});

export const pushPayload = z.object({
  ref: z.string(),
  before: sha,
  after: sha,
  commits: z.array(commit).nullish(),
  /** Gitea cuts `commits` (to the feed size, 5 by default) and says how many there were. */
  total_commits: z.number().int().nonnegative().optional(),
  head_commit: commit.nullish(),
  repository,
  pusher: user.optional(),
  sender: user.optional(),
});

/** `create` and `delete`: the short ref name and whether it is a branch or a tag; no commit for a deletion. */
export const refPayload = z.object({
  ref: z.string().min(1),
  ref_type: z.string(),
  repository,
  sender: user.optional(),
});

export const pullRequestPayload = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  pull_request: z.object({
    title: z.string(),
    html_url: z.string().optional(),
    merged: z.boolean().nullish(),
    head: z.object({ ref: z.string(), sha }),
    base: z.object({ ref: z.string() }),
  }),
  repository,
  sender: user.optional(),
});

export type GiteaRepository = z.output<typeof repository>;
export type GiteaCommit = z.output<typeof commit>;
