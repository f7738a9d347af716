/** What the preview lifecycle is given by the composition root. */
import type { Clock, Logger } from '../../core/index.ts';
import type { Applications, ConfigRepository } from '../../gitops/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { Store } from '../../store/index.ts';
import type { Environment } from '../config/index.ts';
import type { PreviewEventSink } from './events.ts';

export interface PreviewDeps {
  store: Pick<Store, 'previews' | 'clusters'>;
  /** The environments in force (an `EnvironmentCatalog`). */
  environments: { list(): Promise<Environment[]> };
  /** Write-back copy of the config repository the environments live in. */
  configRepo: ConfigRepository;
  /** How applications name the config repository (`source.repoUrl`), e.g. `platform/config`. */
  configRepoUrl: string;
  /** Tells the GitOps controller the config repository changed. */
  configChanged(): Promise<void>;
  applications: Pick<Applications, 'create' | 'get' | 'delete'>;
  /** A client of a registered cluster's API (default: the kube module's over the stored kubeconfig). */
  connect(kubeconfig: string | { inCluster: true }): KubeClient;
  events: PreviewEventSink;
  logger: Logger;
  clock: Clock;
  /** A provisioner named by a relative path is read from the config repository into this folder. */
  workDir: string;
  provisionerTimeoutMs: number;
}
