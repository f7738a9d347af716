import type { Clock, Logger } from '../../core/index.ts';
import type { ConfigRepository, GitopsController } from '../../gitops/index.ts';
import type { Role, Store } from '../../store/index.ts';
import type { EnvironmentCatalog } from '../catalog/index.ts';
import type { EnvironmentEvents } from '../events.ts';

/** What the environments service is built from (wired by the server). */
export interface EnvironmentDeps {
  store: Pick<Store, 'users' | 'repos' | 'builds' | 'artifacts' | 'verdicts' | 'clusters' | 'applications' | 'applicationStatus' | 'syncs' | 'approvals' | 'releases'>;
  catalog: EnvironmentCatalog;
  controller: Pick<GitopsController, 'sync' | 'waitForSync' | 'rollback' | 'applicationChanged' | 'configChanged'>;
  config: {
    /** How applications name the config repository (`platform/config`, a URL or a path). */
    url: string;
    branch: string;
    /** The write-back copy of the config repository. */
    repository: ConfigRepository;
  };
  /** A source repository (`namespace/name`) on this machine — the built-in host's, or a mirror — for reading commits. */
  sourceRepoDir(slug: string): string | undefined;
  /** A tag's manifest digest in the registry (`host/namespace/name` + tag), when the registry is reachable. */
  resolveDigest(imageRepository: string, tag: string): Promise<string | undefined>;
  /** The server's base URL (for build links). */
  serverUrl(): string;
  events: EnvironmentEvents;
  logger: Logger;
  clock: Clock;
  /** How long a deploy step waits for a sync to finish healthy (default 5 minutes). */
  deployTimeoutMs?: number;
}

/** The user acting, as routes give it. */
export interface Actor {
  login: string;
  email: string;
  role: Role;
}

/** `<service>-<environment>`: the application generated for a service folder. */
export function applicationName(service: string, environment: string): string {
  return `${service}-${environment}`;
}

export const GENERATOR = 'environments';
