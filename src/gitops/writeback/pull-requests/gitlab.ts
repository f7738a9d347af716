import { z } from 'zod';
import type { PullRequestOpener, PullRequestTarget } from './contract.ts';
import { pathOf, postForJson } from './http.ts';

const answer = z.object({ iid: z.int(), web_url: z.string() });

/** GitLab: `POST /projects/{id}/merge_requests`, the id being the URL-encoded project path, with `PRIVATE-TOKEN`. */
export function gitlabMergeRequests(target: PullRequestTarget): PullRequestOpener {
  return {
    provider: 'gitlab',
    async open(request) {
      const created = await postForJson(
        `gitlab merge request on ${target.namespace}/${target.name}`,
        target,
        `${pathOf('projects', `${target.namespace}/${target.name}`)}/merge_requests`,
        { 'private-token': target.token },
        { source_branch: request.head, target_branch: request.base, title: request.title, description: request.body, remove_source_branch: true },
        answer,
      );
      return { number: created.iid, url: created.web_url };
    },
  };
}
