import type { BuildService, ServerInfo } from '../builds/index.ts';
import type { Logger } from '../core/index.ts';
import type { Registry } from '../artifacts/index.ts';
import type { GitHost } from '../git/index.ts';
import type { Applications } from '../gitops/index.ts';
import type { EnvironmentService } from '../environments/index.ts';
import type { Store } from '../store/index.ts';

/** What route handlers are given. */
export interface AppContext {
  store: Store;
  builds: BuildService;
  gitHost: GitHost;
  registry: Registry;
  applications: Applications;
  /** Environments: promotion, approvals, authorized syncs, rollbacks, release records. */
  environments: EnvironmentService;
  /** Config repositories of GitOps write-back: where a name points, and telling the controller of a change. */
  configRepos: { root: string; resolve(repo: string): string; changed(repo: string): Promise<void> };
  /** Base URL and version (the URL is known once listening). */
  server: ServerInfo;
  logger: Logger;
  version: string;
}
