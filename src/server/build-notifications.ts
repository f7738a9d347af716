import type { BuildService, ServerInfo } from '../builds/index.ts';
import { messageOf, type Logger } from '../core/index.ts';
import type { Notifier, NotificationInput } from '../notify/index.ts';
import type { BuildRecord, Store } from '../store/index.ts';

/**
 * Tells the notifier when a build finishes: `build.failed` for a failure or
 * error, `build.succeeded` for a success (sent only to targets that ask for
 * it). Returns the unsubscribe function.
 */
export function notifyBuildOutcomes(builds: BuildService, store: Store, notifier: Notifier, server: ServerInfo, logger: Logger): () => void {
  return builds.changes.subscribe((build) => {
    const kind = build.status === 'failure' || build.status === 'error' ? 'build.failed' : build.status === 'success' ? 'build.succeeded' : undefined;
    if (!kind) return;
    buildNotification(build, kind, store, server).then(
      (event) => notifier.notify(event),
      (error: unknown) => logger.warn({ build: build.id, err: messageOf(error) }, 'build notification not sent'),
    );
  });
}

async function buildNotification(build: BuildRecord, kind: 'build.failed' | 'build.succeeded', store: Store, server: ServerInfo): Promise<NotificationInput> {
  const repo = await store.repos.get(build.repoId);
  const outcome = kind === 'build.failed' ? (build.status === 'error' ? 'errored' : 'failed') : 'succeeded';
  const title = build.message.split('\n', 1)[0]?.trim();
  return {
    kind,
    repo: repo.slug,
    version: `#${build.number} ${build.commitSha.slice(0, 8)}`,
    url: `${server.url}/repos/${repo.slug}/builds/${build.number}`,
    ...(build.authorLogin || build.authorName ? { actor: build.authorLogin || build.authorName } : {}),
    summary: `Build #${build.number} of ${repo.slug} ${outcome} on ${build.branch || build.ref}${title ? `: ${title}` : ''}${build.error ? ` (${build.error})` : ''}`,
    ...(build.finishedAt ? { at: build.finishedAt } : {}),
  };
}
