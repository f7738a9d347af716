import { z } from 'zod';
import type { PullRequestOpener, PullRequestTarget } from './contract.ts';
import { pathOf, postForJson } from './http.ts';

const answer = z.object({ number: z.int(), html_url: z.string() });

/** GitHub: `POST /repos/{owner}/{repo}/pulls` (REST API version 2022-11-28). */
export function githubPullRequests(target: PullRequestTarget): PullRequestOpener {
  return {
    provider: 'github',
    async open(request) {
      const created = await postForJson(
        `github pull request on ${target.namespace}/${target.name}`,
        target,
        `${pathOf('repos', target.namespace, target.name)}/pulls`,
        { authorization: `Bearer ${target.token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
        { title: request.title, body: request.body, head: request.head, base: request.base },
        answer,
      );
      return { number: created.number, url: created.html_url };
    },
  };
}
