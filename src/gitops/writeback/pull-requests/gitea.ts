import { z } from 'zod';
import type { PullRequestOpener, PullRequestTarget } from './contract.ts';
import { pathOf, postForJson } from './http.ts';

const answer = z.object({ number: z.int(), html_url: z.string() });

/** Gitea: `POST /repos/{owner}/{repo}/pulls` with `Authorization: token …`. */
export function giteaPullRequests(target: PullRequestTarget): PullRequestOpener {
  return {
    provider: 'gitea',
    async open(request) {
      const created = await postForJson(
        `gitea pull request on ${target.namespace}/${target.name}`,
        target,
        `${pathOf('repos', target.namespace, target.name)}/pulls`,
        { authorization: `token ${target.token}` },
        { title: request.title, body: request.body, head: request.head, base: request.base },
        answer,
      );
      return { number: created.number, url: created.html_url };
    },
  };
}
