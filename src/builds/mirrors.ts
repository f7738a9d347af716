import { join } from 'node:path';
import { Mirror } from '../git/index.ts';
import type { RepoRecord } from '../store/index.ts';

/** One local mirror per registered repository, under `<root>/<repo id>.git`. */
export class Mirrors {
  private readonly root: string;
  private readonly mirrors = new Map<string, Mirror>();

  constructor(root: string) {
    this.root = root;
  }

  for(repo: RepoRecord): Mirror {
    let mirror = this.mirrors.get(repo.id);
    if (!mirror || mirror.remote !== repo.cloneUrl) {
      mirror = new Mirror(repo.cloneUrl, join(this.root, `${repo.id}.git`));
      this.mirrors.set(repo.id, mirror);
    }
    return mirror;
  }
}
