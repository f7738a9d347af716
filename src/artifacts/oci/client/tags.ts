import { ExternalError } from '../../../core/index.ts';
import { nextLink } from './link.ts';
import { checkRepository } from './paths.ts';
import { scopes, type Call, type Transport } from './transport.ts';

/** A guard against a registry that links pages in a circle. */
const maxPages = 1000;

/**
 * All tags of a repository, following `Link: <…>; rel="next"` pages. A
 * repository the registry does not know has no tags (registries create
 * repositories on first push), so its 404 is an empty list.
 */
export async function listTags(transport: Transport, repository: string): Promise<string[]> {
  checkRepository(repository);
  const tags: string[] = [];
  let url: string | undefined = transport.url(`/v2/${repository}/tags/list`);
  for (let page = 0; url !== undefined; page += 1) {
    if (page >= maxPages) throw new ExternalError(`registry ${transport.registry}: tag list of ${repository} has more than ${maxPages} pages`);
    const call: Call = { method: 'GET', url, scopes: [scopes.pull(repository)], what: `list tags of ${repository}`, headers: { accept: 'application/json' } };
    const response = await transport.send(call);
    if (response.status === 404 && page === 0) {
      await response.body?.cancel();
      return [];
    }
    if (response.status !== 200) return transport.fail(call, response);
    const body = (await response.json().catch(() => undefined)) as { tags?: unknown } | undefined;
    if (!body || (body.tags !== null && body.tags !== undefined && !Array.isArray(body.tags))) {
      throw new ExternalError(`registry ${transport.registry}: ${call.what} answered with a body that is not a tag list`);
    }
    for (const tag of (body.tags as unknown[] | null | undefined) ?? []) if (typeof tag === 'string') tags.push(tag);
    url = nextLink(response.headers.get('link'), response.url || url);
  }
  return tags;
}
