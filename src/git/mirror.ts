import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { git } from './cli.ts';

/**
 * A local bare mirror of a remote repository, so that pipeline files are
 * read and steps clone from local disk. Updates are serialised per mirror.
 */
export class Mirror {
  readonly path: string;
  readonly remote: string;
  private pending: Promise<void> = Promise.resolve();

  constructor(remote: string, path: string) {
    this.remote = remote;
    this.path = path;
  }

  /**
   * Clones the mirror on first use, then fetches every ref (pruning deleted
   * ones). Credentials go in a header for this call only: they are never
   * written into the mirror's configuration.
   */
  update(credentials?: { username: string; password: string }): Promise<void> {
    const auth = credentials
      ? ['-c', `http.extraHeader=Authorization: Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`]
      : [];
    const next = this.pending.then(() => this.fetch(auth));
    this.pending = next.catch(() => {});
    return next;
  }

  private async fetch(auth: string[]): Promise<void> {
    if (await exists(this.path)) {
      await git([...auth, 'fetch', '--prune', '--quiet', 'origin'], { cwd: this.path });
      return;
    }
    await mkdir(dirname(this.path), { recursive: true });
    const partial = `${this.path}.partial`;
    await rm(partial, { recursive: true, force: true });
    await git([...auth, 'clone', '--mirror', '--quiet', this.remote, partial]);
    // Steps of a branch-deletion build fetch the branch's last commit by id.
    await git(['config', 'uploadpack.allowAnySHA1InWant', 'true'], { cwd: partial });
    // Renamed last, so a crash mid-clone never leaves a half mirror in place.
    await rename(partial, this.path);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
