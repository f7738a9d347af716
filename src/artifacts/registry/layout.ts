import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Where everything lives under the registry's root folder:
 *
 *   blobs/sha256/<hex>                          content (layers, configs, manifests)
 *   uploads/<id>/{data,info.json}               upload sessions in progress
 *   tmp/                                        files being written, renamed when complete
 *   repositories/<name>/_layers/sha256/<hex>    blob linked into a repository
 *   repositories/<name>/_manifests/sha256/<hex> manifest in a repository (holds its media type)
 *   repositories/<name>/_tags/<tag>             tag (holds the manifest digest)
 *
 * Repository name components never start with `_`, so the link folders
 * cannot collide with nested repository names.
 */
const linkFolders = ['_layers', '_manifests', '_tags'];

export class Layout {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  get blobsDir(): string {
    return join(this.root, 'blobs', 'sha256');
  }
  get uploadsDir(): string {
    return join(this.root, 'uploads');
  }
  get tmpDir(): string {
    return join(this.root, 'tmp');
  }
  get repositoriesDir(): string {
    return join(this.root, 'repositories');
  }

  blob(hex: string): string {
    return join(this.blobsDir, hex);
  }
  upload(id: string): string {
    return join(this.uploadsDir, id);
  }
  repository(name: string): string {
    return join(this.repositoriesDir, ...name.split('/'));
  }
  layerLinks(name: string): string {
    return join(this.repository(name), '_layers', 'sha256');
  }
  layerLink(name: string, hex: string): string {
    return join(this.layerLinks(name), hex);
  }
  manifestLinks(name: string): string {
    return join(this.repository(name), '_manifests', 'sha256');
  }
  manifestLink(name: string, hex: string): string {
    return join(this.manifestLinks(name), hex);
  }
  tags(name: string): string {
    return join(this.repository(name), '_tags');
  }
  tag(name: string, tag: string): string {
    return join(this.tags(name), tag);
  }

  async create(): Promise<void> {
    for (const dir of [this.blobsDir, this.uploadsDir, this.tmpDir, this.repositoriesDir]) await mkdir(dir, { recursive: true });
  }

  /** A fresh path in `tmp/` (same filesystem as the blobs, so renames are atomic). */
  tempPath(): string {
    return join(this.tmpDir, randomUUID());
  }

  /** Writes a small file so that readers see the old or the new content, never a part. */
  async writeAtomic(path: string, content: string | Buffer): Promise<void> {
    const temp = this.tempPath();
    await writeFile(temp, content);
    await mkdir(dirname(path), { recursive: true });
    await rename(temp, path).catch(async (error: unknown) => {
      await rm(temp, { force: true });
      throw error;
    });
  }

  /** Every repository name (folders holding link folders), sorted. */
  async repositoryNames(): Promise<string[]> {
    const names: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      if (prefix && entries.some((entry) => linkFolders.includes(entry.name))) names.push(prefix);
      for (const entry of entries) {
        if (entry.isDirectory() && !entry.name.startsWith('_')) await walk(join(dir, entry.name), prefix ? `${prefix}/${entry.name}` : entry.name);
      }
    };
    await walk(this.repositoriesDir, '');
    return names.sort();
  }
}

/** Entries of a folder, or none when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
