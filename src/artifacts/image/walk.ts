import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ConfigError } from '../../core/index.ts';

/** What a layer should contain: a file, folder or symlink on disk, placed at an absolute path in the image. */
export interface LayerEntry {
  /** A file, folder or symlink on disk. A folder contributes its contents (as Dockerfile COPY does). */
  from: string;
  /** Absolute path in the image. For a file, a trailing `/` means "into this folder". */
  to: string;
  /** Numeric owner in the image (default 0). */
  uid?: number;
  gid?: number;
}

/** One tar member, before normalisation of its header. */
export type LayerItem =
  | { kind: 'directory'; path: string; uid: number; gid: number }
  | { kind: 'file'; path: string; source: string; size: number; executable: boolean; uid: number; gid: number }
  | { kind: 'symlink'; path: string; target: string; uid: number; gid: number };

/** `true` leaves the source path (absolute, on disk) out of the layer. */
export type IgnoreSource = (source: string, isDirectory: boolean) => boolean;

/** Normalises an image path to tar form: no leading slash, no `.`/`..`, no trailing slash. */
export function imagePath(to: string): string {
  if (!to.startsWith('/')) throw new ConfigError(`image path must be absolute: ${to}`);
  const normal = posix.normalize(to).replace(/^\/+/, '').replace(/\/+$/, '');
  return normal === '.' ? '' : normal;
}

/**
 * Collects every member of a layer: each entry walked on disk, later entries
 * replacing earlier ones at the same path, parent folders added, sorted by
 * path so the order on disk never matters.
 */
export async function collectItems(entries: LayerEntry[], ignore?: IgnoreSource): Promise<LayerItem[]> {
  const items = new Map<string, LayerItem>();
  for (const entry of entries) {
    const owner = { uid: entry.uid ?? 0, gid: entry.gid ?? 0 };
    const stat = await lstat(entry.from).catch((error: unknown) => {
      throw new ConfigError(`cannot read ${entry.from}: ${(error as Error).message}`);
    });
    if (stat.isDirectory()) {
      await walkDirectory(entry.from, imagePath(entry.to), owner, items, ignore);
    } else {
      let target = imagePath(entry.to);
      if (entry.to.endsWith('/')) target = posix.join(target, posix.basename(entry.from.replaceAll('\\', '/')));
      if (target === '') throw new ConfigError(`cannot place file ${entry.from} at the image root`);
      if (ignore?.(entry.from, false)) continue;
      items.set(target, await leafItem(entry.from, target, owner));
    }
  }
  addParents(items);
  checkShapes(items);
  return [...items.values()].sort((a, b) => compareBytes(a.path, b.path));
}

async function walkDirectory(
  dir: string,
  target: string,
  owner: { uid: number; gid: number },
  items: Map<string, LayerItem>,
  ignore: IgnoreSource | undefined,
): Promise<void> {
  if (target !== '') items.set(target, { kind: 'directory', path: target, ...owner });
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const source = join(dir, name);
    const path = target === '' ? name : `${target}/${name}`;
    const stat = await lstat(source);
    if (stat.isDirectory()) {
      if (ignore?.(source, true)) continue;
      await walkDirectory(source, path, owner, items, ignore);
    } else {
      if (ignore?.(source, false)) continue;
      items.set(path, await leafItem(source, path, owner));
    }
  }
}

async function leafItem(source: string, path: string, owner: { uid: number; gid: number }): Promise<LayerItem> {
  const stat = await lstat(source);
  if (stat.isSymbolicLink()) return { kind: 'symlink', path, target: await readlink(source), ...owner };
  if (stat.isFile()) {
    return { kind: 'file', path, source, size: stat.size, executable: (stat.mode & 0o111) !== 0, ...owner };
  }
  throw new ConfigError(`${source} is not a regular file, folder or symlink; it cannot go into a layer`);
}

function addParents(items: Map<string, LayerItem>): void {
  for (const path of [...items.keys()]) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!items.has(parent)) items.set(parent, { kind: 'directory', path: parent, uid: 0, gid: 0 });
    }
  }
}

/** A file and a folder cannot share a path: the image would depend on extraction order. */
function checkShapes(items: Map<string, LayerItem>): void {
  for (const path of items.keys()) {
    const slash = path.lastIndexOf('/');
    if (slash < 0) continue;
    const parent = items.get(path.slice(0, slash));
    if (parent && parent.kind !== 'directory') {
      throw new ConfigError(`/${parent.path} is both a ${parent.kind} and a folder in the same layer`);
    }
  }
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
