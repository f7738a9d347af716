import type { BuildService, ServerInfo } from '../builds/index.ts';
import type { Logger } from '../core/index.ts';
import type { Registry } from '../artifacts/index.ts';
import type { GitHost } from '../git/index.ts';
import type { Store } from '../store/index.ts';

/** What route handlers are given. */
export interface AppContext {
  store: Store;
  builds: BuildService;
  gitHost: GitHost;
  registry: Registry;
  /** Base URL and version (the URL is known once listening). */
  server: ServerInfo;
  logger: Logger;
  version: string;
}
