import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConflictError } from '../../core/index.ts';
import { git } from '../cli.ts';

/**
 * The built-in host's repositories: bare repositories under
 * `<root>/<namespace>/<name>.git`. Names are checked by the caller's schema;
 * this class only refuses paths that would leave the root.
 */
export class BareRepos {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  path(namespace: string, name: string): string {
    for (const part of [namespace, name]) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(part) || part.includes('..')) throw new ConflictError(`"${part}" cannot name a repository`);
    }
    return join(this.root, namespace, `${name}.git`);
  }

  async exists(namespace: string, name: string): Promise<boolean> {
    return stat(join(this.path(namespace, name), 'HEAD')).then(
      () => true,
      () => false,
    );
  }

  /** Creates an empty bare repository (idempotent: an existing one is kept). */
  async create(namespace: string, name: string, defaultBranch: string): Promise<string> {
    const path = this.path(namespace, name);
    if (await this.exists(namespace, name)) return path;
    const partial = `${path}.partial`;
    await mkdir(dirname(path), { recursive: true });
    await rm(partial, { recursive: true, force: true });
    await git(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, partial]);
    // Steps fetch a deleted branch's last commit by id; pushes are authorised by Trunkline itself.
    await git(['config', 'uploadpack.allowAnySHA1InWant', 'true'], { cwd: partial });
    await git(['config', 'http.receivepack', 'true'], { cwd: partial });
    await git(['config', 'receive.advertisePushOptions', 'true'], { cwd: partial });
    await rename(partial, path);
    return path;
  }
}
