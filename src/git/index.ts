export { git } from './cli.ts';
export type { GitOptions, GitOutput } from './cli.ts';
export { ZERO_SHA, resolveCommit, readCommit, readFileAt, changedFiles } from './commits.ts';
export type { CommitInfo } from './commits.ts';
export { Mirror } from './mirror.ts';
export type { GitEvent, GitEventKind, GitProvider, IgnoredEvent, PullRequestAction } from './event.ts';
export { GitHost, refUpdateEvents, parseRefUpdates } from './host/index.ts';
export type { GitHttpCall, GitService, RefUpdate } from './host/index.ts';
export { webhookAdapters, statusReporters, adapterFor, reporterFor } from './hosts/index.ts';
export type {
  WebhookAdapter,
  StatusReporter,
  StatusTarget,
  CommitStatus,
  CommitState,
  Headers as WebhookHeaders,
  RetryPolicy,
} from './hosts/index.ts';
export { repoFileSource, CentralConfig, parseRules, defaultRulesFile } from './central-config/index.ts';
export type {
  ConfigRequest,
  ConfigResolution,
  PipelineConfigSource,
  CentralConfigOptions,
  ExtensionOptions,
} from './central-config/index.ts';
