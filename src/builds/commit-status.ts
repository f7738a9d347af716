import { messageOf, type Logger } from '../core/index.ts';
import { reporterFor, type CommitState, type CommitStatus } from '../git/index.ts';
import type { BuildRecord, BuildStatus, Store } from '../store/index.ts';
import type { ServerInfo } from './context.ts';

const stateOf: Record<BuildStatus, CommitState> = {
  pending: 'pending',
  running: 'running',
  success: 'success',
  failure: 'failure',
  error: 'error',
  killed: 'error',
  skipped: 'success',
};

const describe: Record<BuildStatus, string> = {
  pending: 'Build is queued',
  running: 'Build is running',
  success: 'Build succeeded',
  failure: 'Build failed',
  error: 'Build errored',
  killed: 'Build was cancelled',
  skipped: 'No pipeline ran',
};

/**
 * Reports each build's state on its commit where it came from: kept by
 * Trunkline for the built-in host, sent to the commit-status API of
 * Gitea, GitHub or GitLab otherwise. Reporting never fails a build; a host
 * that refuses is logged.
 */
export class CommitStatusPublisher {
  private readonly store: Store;
  private readonly server: ServerInfo;
  private readonly logger: Logger;
  /** Serialises reports per build so a host never sees them out of order. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(store: Store, server: ServerInfo, logger: Logger) {
    this.store = store;
    this.server = server;
    this.logger = logger.child({ component: 'commit-status' });
  }

  publish(build: BuildRecord): Promise<void> {
    const next = (this.chains.get(build.id) ?? Promise.resolve()).then(() =>
      this.report(build).catch((error: unknown) => this.logger.warn({ build: build.id, err: messageOf(error) }, 'commit status not reported')),
    );
    this.chains.set(build.id, next);
    void next.then(() => {
      if (this.chains.get(build.id) === next) this.chains.delete(build.id);
    });
    return next;
  }

  private async report(build: BuildRecord): Promise<void> {
    const repo = await this.store.repos.get(build.repoId);
    const status: CommitStatus = {
      state: stateOf[build.status],
      context: `trunkline/${build.event}`,
      description: build.status === 'skipped' && build.error ? `No pipeline ran: ${build.error}` : describe[build.status],
      targetUrl: `${this.server.url}/repos/${repo.slug}/builds/${build.number}`,
    };
    if (repo.provider === 'builtin' || repo.provider === 'git') {
      await this.store.commitStatuses.set(repo.id, build.commitSha, status);
      return;
    }
    const reporter = reporterFor(repo.provider);
    const token = repo.hasCredentials ? (await this.store.repos.revealHostSecrets(repo.id)).credentials?.password : undefined;
    if (!reporter || !repo.apiUrl || !token) {
      await this.store.commitStatuses.set(repo.id, build.commitSha, status);
      return;
    }
    await reporter.report(
      { apiUrl: repo.apiUrl, token, namespace: repo.namespace, name: repo.name, sha: build.commitSha, ref: build.ref },
      status,
    );
  }
}
