/**
 * A deployment, start to record: the sync runs (through the GitOps
 * controller), and when it finishes the release record is written — the
 * version with its digest, the source commits since what ran before, the
 * build, the approvers, who, when, the config revision, the release to roll
 * back to, and whether it came up healthy — and the outcome is emitted.
 */
import { messageOf } from '../../core/index.ts';
import type { Release, SyncRecord } from '../../gitops/index.ts';
import type { ApprovalRecord, ReleaseRecord } from '../../store/index.ts';
import type { Environment } from '../config/index.ts';
import type { Actor, EnvironmentDeps } from './deps.ts';
import { changeCommits, versionOf } from './versions.ts';

export interface Deployment {
  env: Environment;
  service: string;
  actor: Actor;
  kind: 'deploy' | 'rollback';
  /** The version being deployed and the one running before (for the commits in between). */
  next: Release | undefined;
  previous: Release | undefined;
  approvals: readonly ApprovalRecord[];
}

export interface Started {
  sync: SyncRecord;
  /** Settles with the release record once the sync finished (undefined when recording failed; logged). */
  recorded: Promise<ReleaseRecord | undefined>;
}

/** Follows a started sync and records the release when it finishes. */
export function recordWhenDone(deps: EnvironmentDeps, deployment: Deployment, sync: SyncRecord): Started {
  const recorded = (async () => {
    const final = await deps.controller.waitForSync(sync.id);
    if (final.status === 'Pending' || final.status === 'Running') return undefined;
    return record(deps, deployment, final);
  })().catch((error: unknown) => {
    deps.logger.error({ err: messageOf(error), environment: deployment.env.name, service: deployment.service }, 'release record failed');
    return undefined;
  });
  return { sync, recorded };
}

async function record(deps: EnvironmentDeps, deployment: Deployment, sync: SyncRecord): Promise<ReleaseRecord> {
  const { env, service, actor } = deployment;
  const change = await changeCommits(deps, deployment.previous, deployment.next);
  const version = await versionOf(deps, deployment.next, change.build);
  const [before] = await deps.store.releases.list({ service, environment: env.name, limit: 1 });
  const healthy = sync.status === 'Succeeded';
  const build = change.build ? { repo: change.build.slug, number: change.build.build.number, url: `${deps.serverUrl()}/repos/${change.build.slug}/builds/${change.build.build.number}` } : null;
  const release = await deps.store.releases.create({
    service,
    environment: env.name,
    kind: deployment.kind,
    version,
    commits: change.commits.map((c) => ({ sha: c.sha, message: c.message, author: `${c.authorName} <${c.authorEmail}>`, committedAt: c.committedAt })),
    build,
    approvers: deployment.approvals.map((a) => ({ login: a.login, comment: a.comment, at: a.createdAt })),
    deployedBy: actor.login,
    configRevision: sync.revision,
    rollbackTarget: before ? { releaseId: before.id, configRevision: before.configRevision } : null,
    healthy,
    syncId: sync.id,
  });
  const kind = deployment.kind === 'rollback' ? 'rollback' : healthy ? 'deployment.succeeded' : 'deployment.failed';
  deps.events.emit({
    kind,
    environment: env.name,
    service,
    actor: actor.login,
    releaseId: release.id,
    at: deps.clock.now(),
    ...(version.imageTag ? { version: version.imageTag } : {}),
    ...(healthy ? {} : { reason: sync.message ?? `sync ${sync.status}` }),
  });
  return release;
}

/** The record if it is ready within `ms`, else undefined (it is still written when the sync ends). */
export async function within<T>(promise: Promise<T | undefined>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
