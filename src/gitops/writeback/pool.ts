import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigRepository } from './config-repository.ts';
import type { ConfigRepositoryOptions } from './config-repository.ts';

/**
 * One local copy per config repository under `root`, shared by every
 * writer of this process so their changes to it run one at a time.
 */
export class ConfigRepositories {
  private readonly root: string;
  private readonly defaults: Omit<ConfigRepositoryOptions, 'remote' | 'workdir' | 'branch' | 'credentials'>;
  private readonly open = new Map<string, ConfigRepository>();

  constructor(root: string, defaults: Omit<ConfigRepositoryOptions, 'remote' | 'workdir' | 'branch' | 'credentials'> = {}) {
    this.root = root;
    this.defaults = defaults;
  }

  /** The repository for `remote` and `branch` (credentials go with each change: tokens are short-lived). */
  get(remote: string, options: Pick<ConfigRepositoryOptions, 'branch'> = {}): ConfigRepository {
    const branch = options.branch ?? 'main';
    const key = `${branch}\0${remote}`;
    let repo = this.open.get(key);
    if (!repo) {
      const id = createHash('sha256').update(key).digest('hex').slice(0, 20);
      repo = new ConfigRepository({ ...this.defaults, remote, branch, workdir: join(this.root, `${id}.git`) });
      this.open.set(key, repo);
    }
    return repo;
  }
}
