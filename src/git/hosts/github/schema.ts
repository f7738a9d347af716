import { z } from 'zod';
import { fullName, sha } from '../shared/payload.ts';

/** GitHub webhook payloads, as far as Trunkline reads them; every other field passes unread. */

export const repository = z.object({
  full_name: fullName,
  clone_url: z.string().optional(),
  html_url: z.string().optional(),
  default_branch: z.string().optional(),
  private: z.boolean().optional(),
});

const sender = z.object({ login: z.string() });

const commit = z.object({
  id: sha,
  message: z.string(),
  url: z.string().optional(),
  author: z.object({ name: z.string(), email: z.string().nullish(), username: z.string().optional() }),
  added: z.array(z.string()).optional(),
  removed: z.array(z.string()).optional(),
  modified: z.array(z.string()).optional(),
});

export const pushPayload = z.object({
  ref: z.string(),
  before: sha,
  after: sha,
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  commits: z.array(commit).optional(),
  head_commit: commit.nullish(),
  repository,
  sender: sender.optional(),
});

export const pullRequestPayload = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  before: sha.optional(),
  after: sha.optional(),
  pull_request: z.object({
    title: z.string(),
    html_url: z.string().optional(),
    merged: z.boolean().nullish(),
    head: z.object({ ref: z.string(), sha }),
    base: z.object({ ref: z.string() }),
  }),
  repository,
  sender: sender.optional(),
});

export type GithubRepository = z.output<typeof repository>;
export type GithubCommit = z.output<typeof commit>;
