import { giteaPullRequests, githubPullRequests, gitlabMergeRequests, type PullRequestOpener } from '../gitops/index.ts';
import type { Store } from '../store/index.ts';

const openers = { gitea: giteaPullRequests, github: githubPullRequests, gitlab: gitlabMergeRequests } as const;

/**
 * Review mode's pull request: when the config repository is one registered
 * here from Gitea, GitHub or GitLab with its API URL and credentials, the
 * release branch gets a pull (merge) request there; otherwise the branch is
 * only pushed, for people to merge.
 */
export async function reviewOpener(store: Store, configRepo: string | undefined): Promise<PullRequestOpener | undefined> {
  const [namespace, name, ...rest] = (configRepo ?? '').split('/');
  if (!namespace || !name || rest.length > 0) return undefined;
  const repo = await store.repos.find(namespace, name);
  if (!repo || !repo.apiUrl || !(repo.provider in openers)) return undefined;
  const { credentials } = await store.repos.revealHostSecrets(repo.id);
  if (!credentials) return undefined;
  return openers[repo.provider as keyof typeof openers]({ apiUrl: repo.apiUrl, token: credentials.password, namespace, name });
}
