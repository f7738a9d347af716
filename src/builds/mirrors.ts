import { join } from 'node:path';
import { Mirror } from '../git/index.ts';
import type { RepoRecord, Store } from '../store/index.ts';

/** A repository on local disk: where pipeline files are read and steps clone from. */
export interface LocalCopy {
  path: string;
  /** Brings it up to date with its origin. */
  update(): Promise<void>;
}

/**
 * Local copies of registered repositories: the built-in host's bare
 * repositories as they are, and one mirror per external repository under
 * `<root>/<repo id>.git`, fetched with the repository's credentials.
 */
export class Mirrors {
  private readonly root: string;
  private readonly store: Store;
  private readonly mirrors = new Map<string, Mirror>();

  constructor(root: string, store: Store) {
    this.root = root;
    this.store = store;
  }

  for(repo: RepoRecord): LocalCopy {
    if (repo.provider === 'builtin') return { path: repo.cloneUrl, update: async () => {} };
    let mirror = this.mirrors.get(repo.id);
    if (!mirror || mirror.remote !== repo.cloneUrl) {
      mirror = new Mirror(repo.cloneUrl, join(this.root, `${repo.id}.git`));
      this.mirrors.set(repo.id, mirror);
    }
    const current = mirror;
    return {
      path: current.path,
      update: async () => {
        const credentials = repo.hasCredentials ? (await this.store.repos.revealHostSecrets(repo.id)).credentials : undefined;
        await current.update(credentials);
      },
    };
  }
}
