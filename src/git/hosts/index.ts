import type { GitProvider } from '../event.ts';
import type { StatusReporter, WebhookAdapter } from './contract.ts';
import { giteaStatus } from './gitea/status.ts';
import { giteaWebhooks } from './gitea/webhook.ts';
import { githubStatus } from './github/status.ts';
import { githubWebhooks } from './github/webhook.ts';
import { gitlabStatus } from './gitlab/status.ts';
import { gitlabWebhooks } from './gitlab/webhook.ts';

export type { CommitState, CommitStatus, Headers, StatusReporter, StatusTarget, WebhookAdapter } from './contract.ts';
export type { RetryPolicy } from './shared/http.ts';
export { giteaWebhooks, githubWebhooks, gitlabWebhooks };
export { giteaStatus, githubStatus, gitlabStatus };
export { giteaStatusReporter } from './gitea/status.ts';
export { githubStatusReporter } from './github/status.ts';
export { gitlabStatusReporter } from './gitlab/status.ts';

/** Every external git host's webhooks, registered here and nowhere else. */
export const webhookAdapters: readonly WebhookAdapter[] = [giteaWebhooks, githubWebhooks, gitlabWebhooks];

/** Every external git host's commit-status API. */
export const statusReporters: readonly StatusReporter[] = [giteaStatus, githubStatus, gitlabStatus];

/** The webhook adapter of a host, or undefined for the built-in host (which has no webhooks) and unknown names. */
export function adapterFor(provider: GitProvider | string): WebhookAdapter | undefined {
  return webhookAdapters.find((adapter) => adapter.provider === provider);
}

/** The commit-status reporter of a host, or undefined for the built-in host and unknown names. */
export function reporterFor(provider: GitProvider | string): StatusReporter | undefined {
  return statusReporters.find((reporter) => reporter.provider === provider);
}
