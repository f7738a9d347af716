import type { AuditLog } from '../audit/index.ts';
import type { BuildService, ServerInfo } from '../builds/index.ts';
import type { Logger } from '../core/index.ts';
import type { Registry } from '../artifacts/index.ts';
import type { GitHost } from '../git/index.ts';
import type { Applications } from '../gitops/index.ts';
import type { Notifier } from '../notify/index.ts';
import type { PreviewService } from '../environments/index.ts';
import type { EnvironmentService } from '../environments/index.ts';
import type { Store } from '../store/index.ts';
import type { DeliveryMetrics } from './delivery-metrics.ts';

/** What route handlers are given. */
export interface AppContext {
  store: Store;
  builds: BuildService;
  gitHost: GitHost;
  registry: Registry;
  applications: Applications;
  /** Outgoing notifications: targets, deliveries, and `notify(event)` for event sources. */
  notifier: Notifier;
  /** The hash-chained audit log; requests are recorded by `AuditTrail`, services may record domain events. */
  audit: AuditLog;
  /** Preview environments of branches. */
  previews: PreviewService;
  /** Environments: promotion, approvals, authorized syncs, rollbacks, release records. */
  environments: EnvironmentService;
  /** Config repositories of GitOps write-back: where a name points, and telling the controller of a change. */
  configRepos: { root: string; resolve(repo: string): string; changed(repo: string): Promise<void> };
  /** Whether this server leads the replicas sharing its store (runs the GitOps controller's loop). */
  leadership: { readonly leading: boolean };
  /** Base URL and version (the URL is known once listening). */
  server: ServerInfo;
  /** Prometheus exposition, DORA history, exporter settings. */
  metrics: DeliveryMetrics;
  logger: Logger;
  version: string;
}
