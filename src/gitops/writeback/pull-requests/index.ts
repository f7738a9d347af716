export type { PullRequest, PullRequestOpener, PullRequestRequest, PullRequestTarget } from './contract.ts';
export { giteaPullRequests } from './gitea.ts';
export { githubPullRequests } from './github.ts';
export { gitlabMergeRequests } from './gitlab.ts';
