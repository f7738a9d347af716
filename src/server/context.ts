import type { BuildService } from '../builds/index.ts';
import type { Logger } from '../core/index.ts';
import type { Store } from '../store/index.ts';

/** What route handlers are given. */
export interface AppContext {
  store: Store;
  builds: BuildService;
  logger: Logger;
  version: string;
}
