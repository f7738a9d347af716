/**
 * Where the environments' and previews' events go: every one into the audit
 * log (deployments, approvals, refusals, overrides, rollbacks, preview
 * creation and teardown), and those that need someone's attention to the
 * notification targets. Sinks never throw: a lost record is logged loudly.
 */
import type { AuditLog } from '../audit/index.ts';
import { messageOf, type Logger } from '../core/index.ts';
import type { EnvironmentEvent, EnvironmentEvents, PreviewEvent, PreviewEventSink } from '../environments/index.ts';
import type { DriftEvent } from '../gitops/index.ts';
import type { NotificationInput, NotificationKind, Notifier } from '../notify/index.ts';
import type { Store } from '../store/index.ts';

interface Sinks {
  audit: AuditLog;
  notifier: Notifier;
  logger: Logger;
  /** The server's base URL (known once listening), for links. */
  serverUrl: () => string;
}

const environmentNotices: Partial<Record<EnvironmentEvent['kind'], NotificationKind>> = {
  'approval.requested': 'approval.requested',
  'deployment.succeeded': 'deployment.succeeded',
  'deployment.failed': 'deployment.failed',
  rollback: 'rollback',
};

const previewNotices: Partial<Record<PreviewEvent['type'], NotificationKind>> = {
  'preview.ready': 'preview.ready',
  'preview.removed': 'preview.removed',
};

export function environmentEventSink(sinks: Sinks): EnvironmentEvents {
  return {
    emit(event) {
      sinks.logger.info({ event }, `environment event ${event.kind}`);
      record(sinks, {
        actor: event.actor,
        action: `environment.${event.kind}`,
        target: { kind: 'service', id: event.service },
        environment: event.environment,
        outcome: event.kind === 'sync.refused' ? 'denied' : event.kind === 'deployment.failed' ? 'failure' : 'success',
        details: { version: event.version ?? null, reason: event.reason ?? null, release: event.releaseId ?? null },
      });
      const kind = environmentNotices[event.kind];
      if (kind) {
        notify(sinks, {
          kind,
          summary: environmentSummary(event),
          service: event.service,
          environment: event.environment,
          ...(event.version ? { version: event.version } : {}),
          url: `${sinks.serverUrl()}/#/environments`,
          actor: event.actor,
        });
      }
    },
  };
}

export function previewEventSink(sinks: Sinks): PreviewEventSink {
  return {
    emit(event) {
      sinks.logger.info({ previewEvent: event }, event.type);
      record(sinks, {
        actor: event.actor,
        action: event.type,
        target: { kind: 'preview', id: event.preview },
        environment: event.preview,
        outcome: event.type === 'preview.failed' ? 'failure' : event.type === 'preview.refused' ? 'denied' : 'success',
        details: { repo: event.repo, branch: event.branch, url: event.url ?? null, image: event.imageTag ?? null, reason: event.reason ?? null, message: event.message ?? null },
      });
      const kind = previewNotices[event.type];
      if (kind) {
        notify(sinks, {
          kind,
          summary:
            event.type === 'preview.ready'
              ? `Preview ${event.preview} of ${event.repo} ${event.branch} is ready${event.url ? ` at ${event.url}` : ''}`
              : `Preview ${event.preview} of ${event.repo} ${event.branch} was removed (${event.reason ?? 'removed'})`,
          repo: event.repo,
          environment: event.preview,
          ...(event.imageTag ? { version: event.imageTag } : {}),
          ...(event.url ? { url: event.url } : {}),
          actor: event.actor,
        });
      }
    },
  };
}

function environmentSummary(event: EnvironmentEvent): string {
  const version = event.version ? ` ${event.version}` : '';
  switch (event.kind) {
    case 'approval.requested':
      return `${event.service}${version} waits for approval to reach ${event.environment}`;
    case 'deployment.succeeded':
      return `${event.service}${version} deployed to ${event.environment} by ${event.actor}`;
    case 'deployment.failed':
      return `${event.service}${version} failed to deploy to ${event.environment}${event.reason ? `: ${event.reason}` : ''}`;
    case 'rollback':
      return `${event.service} in ${event.environment} rolled back${version ? ` to${version}` : ''} by ${event.actor}`;
    default:
      return `${event.kind}: ${event.service} in ${event.environment}`;
  }
}

function record(sinks: Sinks, event: Parameters<AuditLog['record']>[0]): void {
  sinks.audit.record(event).catch((error: unknown) => sinks.logger.error({ err: messageOf(error), action: event.action }, 'audit entry could not be recorded'));
}

function notify(sinks: Sinks, input: NotificationInput): void {
  void sinks.notifier.notify(input);
}

/** Drift (someone changed a managed object in the cluster): audited, and notified to those watching its environment. */
export function driftSink(sinks: Sinks, store: Store): (drift: DriftEvent) => void {
  return (drift) => {
    void (async () => {
      const app = await store.applications.findByName(drift.app);
      const environment = app?.environment;
      const what = `${drift.drifted.slice(0, 5).join(', ')}${drift.drifted.length > 5 ? ` and ${drift.drifted.length - 5} more` : ''}`;
      record(sinks, {
        actor: 'system',
        action: 'application.drift',
        target: { kind: 'application', id: drift.app },
        ...(environment ? { environment } : {}),
        details: { revision: drift.revision, drifted: drift.drifted.slice(0, 50), selfHeal: drift.selfHeal },
      });
      notify(sinks, {
        kind: 'drift.detected',
        summary: `${drift.app} drifted from git in the cluster: ${what}${drift.selfHeal ? ' (being reverted)' : ' (OutOfSync until synced)'}`,
        ...(app?.service ? { service: app.service } : {}),
        ...(environment ? { environment } : {}),
        version: drift.revision.slice(0, 8),
        url: `${sinks.serverUrl()}/#/applications/${drift.app}`,
      });
    })().catch((error: unknown) => sinks.logger.error({ err: messageOf(error), app: drift.app }, 'drift could not be reported'));
  };
}
